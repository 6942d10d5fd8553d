import { describe, expect, test } from "bun:test";
import {
  assetUrl,
  formatSha256Sums,
  missingAssets,
  parseSha256Sums,
  REQUIRED_ASSETS,
  repoFromPackage,
} from "../../scripts/release/checksums.ts";

const HASH = "a".repeat(64);

describe("parseSha256Sums", () => {
  test("reads sha256sum lines, text and binary mode, and lowercases hashes", () => {
    const { sums, errors } = parseSha256Sums(
      `${"A".repeat(64)}  hotreload-linux-x64\n${"b".repeat(64)} *hotreload-windows-x64.exe\n\n`,
    );
    expect(errors).toEqual([]);
    expect([...sums]).toEqual([
      ["hotreload-linux-x64", HASH],
      ["hotreload-windows-x64.exe", "b".repeat(64)],
    ]);
  });

  test("names the bad line: short hash, path in the name, missing separator", () => {
    const { sums, errors } = parseSha256Sums(
      `${"a".repeat(63)}  x\n${HASH}  dir/x\n${HASH}x\n${HASH}  ok\n`,
    );
    expect([...sums.keys()]).toEqual(["ok"]);
    expect(errors.map((e) => e.slice(0, 7))).toEqual(["line 1:", "line 2:", "line 3:"]);
  });
});

describe("repoFromPackage", () => {
  test.each([
    [{ type: "git", url: "https://github.com/hotreload-dev/hotreload" }],
    [{ url: "git+https://github.com/hotreload-dev/hotreload.git" }],
    ["github:hotreload-dev/hotreload"],
    ["git@github.com:hotreload-dev/hotreload.git"],
  ])("%j", (repository) => {
    expect(repoFromPackage(repository)).toEqual({ owner: "hotreload-dev", name: "hotreload" });
  });

  test("not GitHub, or missing: null", () => {
    expect(repoFromPackage({ url: "https://gitlab.com/a/b" })).toBeNull();
    expect(repoFromPackage(undefined)).toBeNull();
  });
});

test("asset URLs point at the v<version> release", () => {
  expect(assetUrl({ owner: "o", name: "n" }, "1.2.3", "SHA256SUMS")).toBe(
    "https://github.com/o/n/releases/download/v1.2.3/SHA256SUMS",
  );
});

test("formatSha256Sums writes what parseSha256Sums reads, sorted by name", () => {
  const sums = new Map([
    ["hotreload.rb", "b".repeat(64)],
    ["hotreload-linux-x64.tar.gz", HASH],
  ]);
  const text = formatSha256Sums(sums);
  expect(text).toBe(`${HASH}  hotreload-linux-x64.tar.gz\n${"b".repeat(64)}  hotreload.rb\n`);
  expect(parseSha256Sums(text)).toEqual({ sums: new Map([...sums].reverse()), errors: [] });
});

test("missingAssets lists the channels' archives absent from the sums", () => {
  const sums = new Map(REQUIRED_ASSETS.map((name) => [name, HASH]));
  expect(missingAssets(sums)).toEqual([]);
  sums.delete("hotreload-darwin-arm64.tar.gz");
  expect(missingAssets(sums)).toEqual(["hotreload-darwin-arm64.tar.gz"]);
});
