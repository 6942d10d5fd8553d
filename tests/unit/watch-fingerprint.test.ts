import { describe, expect, test } from "bun:test";
import { createFingerprintStore, treeFingerprint } from "../../src/watch/fingerprint-store.ts";

describe("treeFingerprint", () => {
  test("is SHA-256 hex and independent of entry order", () => {
    const a = treeFingerprint([
      ["b.go", "2"],
      ["a.go", "1"],
    ]);
    const b = treeFingerprint([
      ["a.go", "1"],
      ["b.go", "2"],
    ]);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).toBe(b);
  });

  test("changes with a path, a hash, or a file more or less", () => {
    const base = treeFingerprint([["a.go", "1"]]);
    expect(treeFingerprint([["a.go", "2"]])).not.toBe(base);
    expect(treeFingerprint([["b.go", "1"]])).not.toBe(base);
    expect(
      treeFingerprint([
        ["a.go", "1"],
        ["b.go", "1"],
      ]),
    ).not.toBe(base);
    // No ambiguity between path and hash boundaries.
    expect(treeFingerprint([["ab", "c"]])).not.toBe(treeFingerprint([["a", "bc"]]));
  });
});

describe("createFingerprintStore", () => {
  test("unhashed files count by stat until their hash is known", () => {
    const store = createFingerprintStore();
    store.seed("a.go", "1:10:7");
    const pending = store.fingerprint();
    expect(pending).toBe(treeFingerprint([["a.go", "stat:1:10:7"]]));
    expect(store.unhashed()).toEqual(["a.go"]);
    store.fillInitial("a.go", "h1");
    expect(store.fingerprint()).toBe(treeFingerprint([["a.go", "h1"]]));
    expect(store.unhashed()).toEqual([]);
  });

  test("a change before the initial hash wins: the late initial hash is dropped", () => {
    const store = createFingerprintStore();
    store.seed("a.go", "sig");
    store.markTouched("a.go");
    store.fillInitial("a.go", "stale");
    expect(store.get("a.go")?.hash).toBeNull();
    expect(store.unhashed()).toEqual([]);
    store.set("a.go", "fresh", "sig2");
    store.fillInitial("a.go", "stale");
    expect(store.get("a.go")?.hash).toBe("fresh");
  });

  test("deleted files drop out of the fingerprint", () => {
    const store = createFingerprintStore();
    store.set("a.go", "1", "s");
    const one = store.fingerprint();
    store.set("b.go", "2", "s");
    expect(store.fingerprint()).not.toBe(one);
    store.delete("b.go");
    expect(store.fingerprint()).toBe(one);
  });

  test("filesUnder lists a directory's files, not a sibling's with the same prefix", () => {
    const store = createFingerprintStore();
    for (const p of ["src/a.go", "src/sub/b.go", "srcx/c.go", "d.go"]) store.set(p, "h", "s");
    expect(store.filesUnder("src").sort()).toEqual(["src/a.go", "src/sub/b.go"]);
  });

  test("seed keeps what is already known", () => {
    const store = createFingerprintStore();
    store.set("a.go", "h", "s");
    store.seed("a.go", "other");
    expect(store.get("a.go")?.hash).toBe("h");
  });
});
