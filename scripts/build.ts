/**
 * `bun run build`: one standalone executable per OS in dist/, minified, with SHA256SUMS.
 * The binaries never read a .env, bunfig.toml, tsconfig.json or package.json from the
 * user's project (autoload off). `bun run build --host` builds only this machine's target;
 * `--outdir DIR` writes somewhere else than dist/ (the tests build into a cache).
 */
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const top = join(import.meta.dir, "..");

export const TARGETS = [
  ["bun-linux-x64", "hotreload-linux-x64"],
  ["bun-linux-arm64", "hotreload-linux-arm64"],
  ["bun-linux-x64-musl", "hotreload-linux-x64-musl"],
  ["bun-linux-arm64-musl", "hotreload-linux-arm64-musl"],
  ["bun-darwin-x64", "hotreload-darwin-x64"],
  ["bun-darwin-arm64", "hotreload-darwin-arm64"],
  ["bun-windows-x64", "hotreload-windows-x64.exe"],
] as const;

export type Target = (typeof TARGETS)[number];

export interface BuildChoices {
  minify: boolean;
  /** Precompiled JavaScriptCore bytecode (needs --format=esm for our top-level await). */
  bytecode: boolean;
  /** Embed a source map so internal-error stack traces name src/ files and lines. */
  sourcemap: boolean;
}

/**
 * What we ship, from scripts/bench/scenario-binary.ts (`bun run bench`, docs/PERFORMANCE.md):
 * linux-x64, bun 1.4.5, `--version` median of 20 runs on the shared 2-core machine:
 *   plain 104.8 MiB / 29–42 ms · minify 104.5 MiB / 28–37 ms · minify+sourcemap 105.0 MiB /
 *   27–39 ms · minify+bytecode 107.0 MiB / 11–14 ms · minify+bytecode+sourcemap 107.5 MiB /
 *   11–14 ms (ranges: two runs, idle and loaded machine).
 * Minify saves 0.3 MiB for nothing. Bytecode costs +2.5 MiB (2 %) and cuts start-up by
 * ~60 % (no parsing), which every `--version`, `check` and editor integration pays: kept.
 * The embedded source map costs +0.5 MiB and no start-up time; it turns an internal
 * error's stack trace (HOTRELOAD_LOG_LEVEL=debug) into src/ file:line for bug reports:
 * kept. The Bun runtime is ~100 MiB of each binary; no choice here changes that.
 */
export const SHIPPED: BuildChoices = { minify: true, bytecode: true, sourcemap: true };

export function hostTarget(): Target {
  const name = `bun-${process.platform === "win32" ? "windows" : process.platform}-${process.arch}`;
  const found = TARGETS.find(([target]) => target === name);
  if (!found) throw new Error(`no build target for this machine (${name})`);
  return found;
}

export function compileArgv(target: string, outfile: string, choices: BuildChoices): string[] {
  return [
    process.execPath,
    "build",
    "--compile",
    `--target=${target}`,
    "--format=esm",
    ...(choices.minify ? ["--minify"] : []),
    ...(choices.bytecode ? ["--bytecode"] : []),
    `--sourcemap=${choices.sourcemap ? "linked" : "none"}`,
    "--no-compile-autoload-dotenv",
    "--no-compile-autoload-bunfig",
    "--no-compile-autoload-tsconfig",
    "--no-compile-autoload-package-json",
    join(top, "src", "main.ts"),
    "--outfile",
    outfile,
  ];
}

/** Compiles one target; the source map is embedded, so the side .map file is removed. */
export async function compile(
  target: string,
  outfile: string,
  choices: BuildChoices = SHIPPED,
): Promise<void> {
  const proc = Bun.spawn(compileArgv(target, outfile, choices), {
    cwd: top,
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`bun build for ${target} failed (exit ${code}):\n${stderr}`);
  rmSync(`${outfile.replace(/\.exe$/, "")}.map`, { force: true });
}

export interface Built {
  name: string;
  bytes: number;
  sha256: string;
}

export async function buildTargets(
  outdir: string,
  targets: readonly Target[],
  log: (line: string) => void = () => {},
): Promise<Built[]> {
  mkdirSync(outdir, { recursive: true });
  const built: Built[] = [];
  for (const [target, name] of targets) {
    const outfile = join(outdir, name);
    const started = performance.now();
    await compile(target, outfile);
    const sha256 = new Bun.CryptoHasher("sha256").update(readFileSync(outfile)).digest("hex");
    const bytes = statSync(outfile).size;
    built.push({ name, bytes, sha256 });
    const mib = (bytes / 1024 / 1024).toFixed(1);
    log(`built ${name} (${mib} MiB) in ${Math.round(performance.now() - started)} ms`);
  }
  writeFileSync(join(outdir, "SHA256SUMS"), built.map((b) => `${b.sha256}  ${b.name}\n`).join(""));
  return built;
}

if (import.meta.main) {
  const argv = process.argv.slice(2);
  const hostOnly = argv.includes("--host");
  const outIndex = argv.indexOf("--outdir");
  const outdir = outIndex >= 0 ? resolve(argv[outIndex + 1] ?? "dist") : join(top, "dist");
  if (!hostOnly && outIndex < 0) rmSync(outdir, { recursive: true, force: true });
  await buildTargets(outdir, hostOnly ? [hostTarget()] : TARGETS, (line) => console.log(line));
  console.log(`wrote ${join(outdir, "SHA256SUMS")}`);
}
