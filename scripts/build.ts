/**
 * `bun run build`: one standalone executable per OS, minified, each packed as ripgrep,
 * Deno and Bun ship theirs: `dist/hotreload-<target>.tar.gz` (`.zip` for Windows) holding
 * `hotreload-<target>/` with the binary (executable bit kept), LICENSE and README.md; and
 * `dist/SHA256SUMS` over the archives. Nothing else is left in dist/ (the build checks).
 * The binaries never read a .env, bunfig.toml, tsconfig.json or package.json from the
 * user's project (autoload off). `bun run build --host` builds only this machine's target;
 * `--outdir DIR` writes somewhere else than dist/.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { type ArchiveEntry, tarGz, zip } from "./release/archive.ts";

const top = join(import.meta.dir, "..");

/** Bun's compile target and the release asset's base name (the archive adds its extension). */
export const TARGETS = [
  ["bun-linux-x64", "hotreload-linux-x64"],
  ["bun-linux-arm64", "hotreload-linux-arm64"],
  ["bun-linux-x64-musl", "hotreload-linux-x64-musl"],
  ["bun-linux-arm64-musl", "hotreload-linux-arm64-musl"],
  ["bun-darwin-x64", "hotreload-darwin-x64"],
  ["bun-darwin-arm64", "hotreload-darwin-arm64"],
  ["bun-windows-x64", "hotreload-windows-x64"],
] as const;

export type Target = (typeof TARGETS)[number];

const isWindows = (target: string) => target.startsWith("bun-windows");

/** The executable's name inside the archive (and wherever the binary is installed). */
export function binaryName(target: string): string {
  return isWindows(target) ? "hotreload.exe" : "hotreload";
}

/** The release asset: `hotreload-<target>.tar.gz`, or `.zip` for Windows. */
export function archiveName([target, base]: Target): string {
  return `${base}${isWindows(target) ? ".zip" : ".tar.gz"}`;
}

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

/**
 * Compiles one target to `outfile`. The source map is embedded; Bun also writes it beside
 * the binary (`<outfile>.map`, for Windows with the `.exe` in the name), which is removed.
 */
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
  for (const map of new Set([`${outfile}.map`, `${outfile.replace(/\.exe$/, "")}.map`]))
    rmSync(map, { force: true });
}

/** The archive of one compiled binary: its directory, the binary, LICENSE, README.md. */
export function packArchive(
  target: Target,
  binary: Uint8Array<ArrayBuffer>,
  mtime: number,
): Uint8Array {
  const dir = `${target[1]}/`;
  const text = (name: string) => new Uint8Array(readFileSync(join(top, name)));
  const entries: ArchiveEntry[] = [
    { name: dir, data: new Uint8Array(0), mode: 0o755 },
    { name: `${dir}${binaryName(target[0])}`, data: binary, mode: 0o755 },
    { name: `${dir}LICENSE`, data: text("LICENSE"), mode: 0o644 },
    { name: `${dir}README.md`, data: text("README.md"), mode: 0o644 },
  ];
  return isWindows(target[0]) ? zip(entries, mtime) : tarGz(entries, mtime);
}

/** Files in outdir that are not this build's assets (a stray .map, an old bare binary). */
export function strayFiles(outdir: string, targets: readonly Target[]): string[] {
  const expected = new Set([...targets.map(archiveName), "SHA256SUMS"]);
  return readdirSync(outdir).filter((name) => !expected.has(name));
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
  // Archive timestamps: SOURCE_DATE_EPOCH for reproducible archives, else now.
  const mtime = Number(process.env.SOURCE_DATE_EPOCH) || Math.floor(Date.now() / 1000);
  const built: Built[] = [];
  for (const target of targets) {
    const started = performance.now();
    // Each binary is compiled in a scratch directory that is removed with whatever Bun
    // wrote beside it, so only the archive reaches outdir.
    const scratch = mkdtempSync(join(outdir, ".build-"));
    let binary: Uint8Array<ArrayBuffer>;
    try {
      const outfile = join(scratch, binaryName(target[0]));
      await compile(target[0], outfile);
      binary = new Uint8Array(readFileSync(outfile));
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    const archive = packArchive(target, binary, mtime);
    const name = archiveName(target);
    writeFileSync(join(outdir, name), archive);
    const sha256 = new Bun.CryptoHasher("sha256").update(archive).digest("hex");
    built.push({ name, bytes: archive.length, sha256 });
    const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
    log(
      `built ${name} (binary ${mib(binary.length)} MiB, archive ${mib(archive.length)} MiB) in ${Math.round(performance.now() - started)} ms`,
    );
  }
  writeFileSync(join(outdir, "SHA256SUMS"), built.map((b) => `${b.sha256}  ${b.name}\n`).join(""));
  const stray = strayFiles(outdir, targets);
  if (stray.length > 0)
    throw new Error(`${outdir} holds files that are not release assets: ${stray.join(", ")}`);
  return built;
}

if (import.meta.main) {
  const argv = process.argv.slice(2);
  const hostOnly = argv.includes("--host");
  const outIndex = argv.indexOf("--outdir");
  const outdir = outIndex >= 0 ? resolve(argv[outIndex + 1] ?? "dist") : join(top, "dist");
  // dist/ is ours: emptied, so it ends holding exactly this build's assets.
  if (outIndex < 0) rmSync(outdir, { recursive: true, force: true });
  await buildTargets(outdir, hostOnly ? [hostTarget()] : TARGETS, (line) => console.log(line));
  console.log(`wrote ${join(outdir, "SHA256SUMS")}`);
}
