/**
 * `bun run release` end to end on a temp checkout (package.json + dist/SHA256SUMS), the
 * release notes' content, and the refusals (no sums, a missing binary, no repository).
 */
import { afterEach, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { archiveName, TARGETS } from "../../scripts/build.ts";
import { parseSha256Sums } from "../../scripts/release/checksums.ts";
import { releaseNotes } from "../../scripts/release/notes.ts";
import { readReleaseInput, writeRelease } from "../../scripts/release.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const top = join(import.meta.dir, "..", "..");
const dirs: { [Symbol.dispose](): void }[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) dir[Symbol.dispose]();
});

const sumOf = (i: number) => String(i + 1).repeat(64);
const ARCHIVES = TARGETS.map(archiveName);
const SUMS = ARCHIVES.map((name, i) => `${sumOf(i)}  ${name}\n`).join("");
const sha256 = (text: string) => new Bun.CryptoHasher("sha256").update(text).digest("hex");

function checkout(pkg: object, sums: string | null) {
  const dir = tempDir("hotreload-release-");
  dirs.push(dir);
  dir.write("package.json", JSON.stringify(pkg));
  if (sums !== null) dir.write("dist/SHA256SUMS", sums);
  return dir;
}

const PKG = {
  name: "@hotreload/cli",
  version: "1.2.3",
  description: "Hot-reload engine for servers.",
  license: "MIT",
  repository: { type: "git", url: "https://github.com/hotreload-dev/hotreload" },
};

test("the repository's package.json names a GitHub repository", () => {
  const pkg = JSON.parse(readFileSync(join(top, "package.json"), "utf8"));
  expect(pkg.repository.url).toMatch(/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+$/);
});

test("package.json: a name npm accepts, the hotreload command, and its registry page fields", () => {
  const pkg = JSON.parse(readFileSync(join(top, "package.json"), "utf8"));
  // npm refuses new unscoped names that differ from an existing one only by punctuation
  // (`hot-reload` exists); a scoped name is never compared that way.
  expect(pkg.name).toMatch(/^@[a-z0-9-]+\/[a-z0-9-]+$/);
  expect(Object.keys(pkg.bin)).toEqual(["hotreload"]);
  expect(pkg.publishConfig).toEqual({ access: "public", provenance: true });
  expect(pkg.keywords).toContain("hot-reload");
  expect(pkg.homepage).toStartWith(pkg.repository.url);
  expect(pkg.bugs.url).toBe(`${pkg.repository.url}/issues`);
});

test("writes formula, scoop manifest and notes; SHA256SUMS then covers every asset", () => {
  const dir = checkout(PKG, SUMS);
  const read = readReleaseInput(dir.path);
  if ("error" in read) throw new Error(read.error);
  const files = writeRelease(dir.path, read.input).map((f) => f.slice(dir.path.length + 1));
  expect(files).toEqual([
    "dist/release/hotreload.rb",
    "dist/release/hotreload.json",
    "dist/release/NOTES.md",
    "dist/SHA256SUMS",
  ]);
  const text = (name: string) => readFileSync(join(dir.path, name), "utf8");
  const formula = text("dist/release/hotreload.rb");
  expect(formula).toContain(`sha256 "${sumOf(ARCHIVES.indexOf("hotreload-darwin-arm64.tar.gz"))}"`);
  expect(JSON.parse(text("dist/release/hotreload.json")).version).toBe("1.2.3");
  const { sums, errors } = parseSha256Sums(text("dist/SHA256SUMS"));
  expect(errors).toEqual([]);
  expect([...sums.keys()].sort()).toEqual([...ARCHIVES, "hotreload.json", "hotreload.rb"].sort());
  expect(sums.get("hotreload.rb")).toBe(sha256(formula));
  expect(sums.get("hotreload.json")).toBe(sha256(text("dist/release/hotreload.json")));
  expect(text("dist/release/NOTES.md")).toContain(`| \`${sha256(formula)}\` |`);
});

test("a second run (a re-run release job) writes the very same files", () => {
  const dir = checkout(PKG, SUMS);
  const once = () => {
    const read = readReleaseInput(dir.path);
    if ("error" in read) throw new Error(read.error);
    return writeRelease(dir.path, read.input).map((f) => readFileSync(f, "utf8"));
  };
  const first = once();
  expect(once()).toEqual(first);
});

test("notes: version, a checksum row per asset, an install command per channel", () => {
  const dir = checkout(PKG, SUMS);
  const read = readReleaseInput(dir.path);
  if ("error" in read) throw new Error(read.error);
  const notes = releaseNotes(read.input);
  expect(notes.split("\n")[0]).toBe("# hotreload 1.2.3");
  ARCHIVES.forEach((name, i) => {
    expect(notes).toContain(
      `| [\`${name}\`](https://github.com/hotreload-dev/hotreload/releases/download/v1.2.3/${name}) | \`${sumOf(i)}\` |`,
    );
  });
  for (const command of [
    "sha256sum --check --ignore-missing SHA256SUMS",
    "tar -xzf hotreload-linux-x64.tar.gz",
    "apk add libstdc++ libgcc",
    "Windows 10 version 1809 or later",
    "macOS 13 or later",
    "glibc 2.17 or later",
    "Expand-Archive hotreload-windows-x64.zip",
    "shasum -a 256 --check --ignore-missing SHA256SUMS",
    "bunx @hotreload/cli@1.2.3",
    "npm i -g @hotreload/cli@1.2.3",
    "brew install hotreload-dev/tap/hotreload",
    "scoop install hotreload",
    "docker build -t hotreload",
  ])
    expect(notes).toContain(command);
});

test.each([
  ["no SHA256SUMS", PKG, null, "no dist/SHA256SUMS: run `bun run build` first"],
  [
    "a --host build only",
    PKG,
    `${sumOf(0)}  hotreload-linux-x64.tar.gz\n`,
    "dist/SHA256SUMS lacks hotreload-darwin-arm64.tar.gz, hotreload-darwin-x64.tar.gz, hotreload-linux-arm64.tar.gz, hotreload-windows-x64.zip: run `bun run build` (all targets, not --host)",
  ],
  [
    "no repository",
    { ...PKG, repository: undefined },
    SUMS,
    "package.json has no GitHub `repository`; add one",
  ],
  [
    "a broken line",
    PKG,
    `${SUMS}nonsense\n`,
    'dist/SHA256SUMS: line 8: expected "<sha256>  <file>", got "nonsense"',
  ],
])("refuses %s", (_, pkg, sums, error) => {
  expect(readReleaseInput(checkout(pkg, sums).path)).toEqual({ error });
});

test("the CLI writes the files for the matching tag", async () => {
  const dir = checkout(PKG, SUMS);
  const script = join(top, "scripts", "release.ts");
  const proc = Bun.spawn([process.execPath, script, "--top", dir.path], {
    env: { ...process.env, GITHUB_REF_TYPE: "tag", GITHUB_REF_NAME: "v1.2.3" },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  expect(code).toBe(0);
  expect(out).toContain(join(dir.path, "dist", "release", "NOTES.md"));
});

test("the CLI refuses a tag that is not v<version>", async () => {
  const dir = checkout(PKG, SUMS);
  const script = join(top, "scripts", "release.ts");
  const proc = Bun.spawn([process.execPath, script, "--top", dir.path], {
    cwd: dir.path,
    env: { ...process.env, GITHUB_REF_TYPE: "tag", GITHUB_REF_NAME: "v9.9.9" },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [err, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
  expect({ code, err }).toEqual({
    code: 1,
    err: "release: tag v9.9.9 does not match package.json version 1.2.3\n",
  });
  expect(existsSync(join(dir.path, "dist", "release"))).toBe(false);
});
