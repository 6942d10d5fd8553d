/**
 * `bun run build --host` as a release makes it: the output directory holds exactly the
 * archive and SHA256SUMS (no source map or bare binary beside them), the checksums verify
 * with sha256sum, and the unpacked binary is executable and runs.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { archiveName, binaryName, hostTarget } from "../../scripts/build.ts";
import { runToEnd } from "../helpers/run-processes.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const top = join(import.meta.dir, "..", "..");
const pkg = await Bun.file(join(top, "package.json")).json();
const work = tempDir("hotreload-archive-");
const out = join(work.path, "out");
const target = hostTarget();
let build = { stdout: "", stderr: "", code: -1 };

beforeAll(async () => {
  build = await runToEnd(
    [process.execPath, join(top, "scripts", "build.ts"), "--host", "--outdir", out],
    { cwd: top },
  );
}, 300_000);
afterAll(() => work[Symbol.dispose]());

test("the output directory holds the archive and SHA256SUMS, nothing else", () => {
  expect(build.stderr).toBe("");
  expect(build.code).toBe(0);
  expect(readdirSync(out).sort()).toEqual([archiveName(target), "SHA256SUMS"].sort());
});

test.skipIf(!Bun.which("sha256sum"))("sha256sum --check verifies the archive", async () => {
  const check = await runToEnd(["sha256sum", "--check", "SHA256SUMS"], { cwd: out });
  expect(check).toEqual({ stdout: `${archiveName(target)}: OK\n`, stderr: "", code: 0 });
});

test("unpacked: one directory with the executable binary, LICENSE and README.md", async () => {
  using dir = tempDir();
  // tar reads the .tar.gz; on Windows, the system's tar.exe (bsdtar, not Git's GNU tar
  // that may come first on PATH) reads the .zip as Explorer would.
  const tar =
    process.platform === "win32"
      ? join(process.env.SystemRoot ?? "C:\\Windows", "System32", "tar.exe")
      : "tar";
  const unpack = await runToEnd([tar, "-xf", join(out, archiveName(target))], {
    cwd: dir.path,
  });
  expect(unpack).toMatchObject({ stderr: "", code: 0 });
  expect(readdirSync(dir.path)).toEqual([target[1]]);
  const inner = join(dir.path, target[1]);
  expect(readdirSync(inner).sort()).toEqual(["LICENSE", "README.md", binaryName(target[0])]);
  const binary = join(inner, binaryName(target[0]));
  if (process.platform !== "win32") expect(statSync(binary).mode & 0o777).toBe(0o755);
  const version = await runToEnd([binary, "--version"], { cwd: dir.path });
  expect(version).toEqual({ stdout: `hotreload ${pkg.version}\n`, stderr: "", code: 0 });
});
