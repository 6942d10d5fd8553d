/**
 * The release archives, unpacked by the tools users have: GNU tar for `.tar.gz`, Info-ZIP
 * unzip for `.zip` (integrity test first). Contents, the top-level directory and the
 * permission bits (the binary stays executable) must survive.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type ArchiveEntry, tarGz, zip } from "../../scripts/release/archive.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const binary = new Uint8Array(70_001).map((_, i) => (i * 7919) % 251);
const ENTRIES: ArchiveEntry[] = [
  { name: "hotreload-linux-x64/", data: new Uint8Array(0), mode: 0o755 },
  { name: "hotreload-linux-x64/hotreload", data: binary, mode: 0o755 },
  { name: "hotreload-linux-x64/LICENSE", data: new TextEncoder().encode("MIT\n"), mode: 0o644 },
  { name: "hotreload-linux-x64/README.md", data: new TextEncoder().encode("# hr\n"), mode: 0o644 },
];
const MTIME = Date.UTC(2026, 0, 2, 3, 4, 6) / 1000;

function run(argv: string[], cwd: string) {
  const proc = Bun.spawnSync(argv, { cwd, stdout: "pipe", stderr: "pipe" });
  if (proc.exitCode !== 0)
    throw new Error(`${argv.join(" ")} exited ${proc.exitCode}: ${proc.stderr.toString()}`);
  return proc.stdout.toString();
}

function expectUnpacked(dir: string) {
  const at = (name: string) => join(dir, "hotreload-linux-x64", name);
  expect(new Uint8Array(readFileSync(at("hotreload")))).toEqual(binary);
  expect(readFileSync(at("LICENSE"), "utf8")).toBe("MIT\n");
  expect(readFileSync(at("README.md"), "utf8")).toBe("# hr\n");
  expect(statSync(at("hotreload")).mode & 0o777).toBe(0o755);
  expect(statSync(at("LICENSE")).mode & 0o777).toBe(0o644);
}

// GNU tar's listing format and --utc are what the first test reads (bsdtar differs).
const gnuTar =
  Bun.which("tar") !== null &&
  Bun.spawnSync(["tar", "--version"]).stdout.toString().includes("GNU tar");

describe.skipIf(!gnuTar)("tar.gz (GNU tar)", () => {
  test("tar lists the entries with modes and mtime, and unpacks them", () => {
    using dir = tempDir();
    writeFileSync(join(dir.path, "a.tar.gz"), tarGz(ENTRIES, MTIME));
    const listing = run(["tar", "--utc", "-tvzf", "a.tar.gz"], dir.path).trim().split("\n");
    expect(listing.map((line) => line.split(/\s+/)[0])).toEqual([
      "drwxr-xr-x",
      "-rwxr-xr-x",
      "-rw-r--r--",
      "-rw-r--r--",
    ]);
    expect(listing[1]).toContain(" 70001 2026-01-02 03:04 hotreload-linux-x64/hotreload");
    run(["tar", "-xzf", "a.tar.gz"], dir.path);
    expectUnpacked(dir.path);
  });
});

describe.skipIf(!Bun.which("unzip"))("zip", () => {
  test("unzip -t finds no error; unzip restores contents and permission bits", () => {
    using dir = tempDir();
    writeFileSync(join(dir.path, "a.zip"), zip(ENTRIES, MTIME));
    expect(run(["unzip", "-t", "a.zip"], dir.path)).toContain("No errors detected");
    run(["unzip", "-q", "a.zip"], dir.path);
    expectUnpacked(dir.path);
  });
});

test("a name too long for ustar is refused, not truncated", () => {
  expect(() =>
    tarGz([{ name: `${"x".repeat(101)}`, data: new Uint8Array(1), mode: 0o644 }], 0),
  ).toThrow("over 100 bytes");
});
