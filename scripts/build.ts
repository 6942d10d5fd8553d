/**
 * `bun run build`: one standalone executable per OS in dist/, minified, with SHA256SUMS.
 * The binaries never read a .env, bunfig.toml, tsconfig.json or package.json from the
 * user's project (autoload off). `bun run build --host` builds only this machine's target.
 */
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const top = join(import.meta.dir, "..");
const dist = join(top, "dist");

export const TARGETS = [
  ["bun-linux-x64", "hotreload-linux-x64"],
  ["bun-linux-arm64", "hotreload-linux-arm64"],
  ["bun-linux-x64-musl", "hotreload-linux-x64-musl"],
  ["bun-linux-arm64-musl", "hotreload-linux-arm64-musl"],
  ["bun-darwin-x64", "hotreload-darwin-x64"],
  ["bun-darwin-arm64", "hotreload-darwin-arm64"],
  ["bun-windows-x64", "hotreload-windows-x64.exe"],
] as const;

export function hostTarget(): (typeof TARGETS)[number] {
  const name = `bun-${process.platform === "win32" ? "windows" : process.platform}-${process.arch}`;
  const found = TARGETS.find(([target]) => target === name);
  if (!found) throw new Error(`no build target for this machine (${name})`);
  return found;
}

async function compile(target: string, outfile: string): Promise<void> {
  const argv = [
    process.execPath,
    "build",
    "--compile",
    `--target=${target}`,
    "--minify",
    "--sourcemap=none",
    "--no-compile-autoload-dotenv",
    "--no-compile-autoload-bunfig",
    "--no-compile-autoload-tsconfig",
    "--no-compile-autoload-package-json",
    join(top, "src", "main.ts"),
    "--outfile",
    outfile,
  ];
  const proc = Bun.spawn(argv, { cwd: top, stdout: "pipe", stderr: "pipe" });
  const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`bun build for ${target} failed (exit ${code}):\n${stderr}`);
}

if (import.meta.main) {
  const hostOnly = process.argv.includes("--host");
  const targets = hostOnly ? [hostTarget()] : TARGETS;
  if (!hostOnly) rmSync(dist, { recursive: true, force: true });
  mkdirSync(dist, { recursive: true });
  const sums: string[] = [];
  for (const [target, name] of targets) {
    const outfile = join(dist, name);
    const started = performance.now();
    await compile(target, outfile);
    const hash = new Bun.CryptoHasher("sha256").update(readFileSync(outfile)).digest("hex");
    sums.push(`${hash}  ${name}`);
    const mb = (statSync(outfile).size / 1024 / 1024).toFixed(1);
    console.log(`built dist/${name} (${mb} MiB) in ${Math.round(performance.now() - started)} ms`);
  }
  writeFileSync(join(dist, "SHA256SUMS"), `${sums.join("\n")}\n`);
  console.log("wrote dist/SHA256SUMS");
}
