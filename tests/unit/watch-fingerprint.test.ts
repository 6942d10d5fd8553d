import { describe, expect, test } from "bun:test";
import {
  createFingerprintStore,
  TOUCHED,
  treeFingerprint,
  UNHASHED,
} from "../../src/watch/fingerprint-store.ts";

describe("treeFingerprint", () => {
  test("is SHA-256 hex and independent of entry order", () => {
    const a = treeFingerprint([
      ["b.go", 2],
      ["a.go", 1],
    ]);
    const b = treeFingerprint([
      ["a.go", 1],
      ["b.go", 2],
    ]);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).toBe(b);
  });

  test("changes with a path, a hash, or a file more or less", () => {
    const base = treeFingerprint([["a.go", 1]]);
    expect(treeFingerprint([["a.go", 2]])).not.toBe(base);
    expect(treeFingerprint([["b.go", 1]])).not.toBe(base);
    expect(
      treeFingerprint([
        ["a.go", 1],
        ["b.go", 1],
      ]),
    ).not.toBe(base);
    // No ambiguity between path and hash boundaries (hashes are written in hex).
    expect(treeFingerprint([["a1", 0x1]])).not.toBe(treeFingerprint([["a", 0x11]]));
  });
});

describe("createFingerprintStore", () => {
  test("unhashed files stand in as unhashed until their hash is known", () => {
    const store = createFingerprintStore();
    store.seed("src/a.go");
    store.seedIn("src", "b.go");
    store.set("c.go", 3);
    const pending = store.fingerprint();
    expect(pending).toBe(
      treeFingerprint([
        ["src/a.go", UNHASHED],
        ["src/b.go", UNHASHED],
        ["c.go", 3],
      ]),
    );
    expect(store.unhashedByDir()).toEqual([["src", ["a.go", "b.go"]]]);
    expect(store.fillInitial("src", "a.go", 1)).toBe(true);
    expect(store.fillInitial("src", "b.go", 2)).toBe(true);
    expect(store.fingerprint()).toBe(
      treeFingerprint([
        ["src/a.go", 1],
        ["src/b.go", 2],
        ["c.go", 3],
      ]),
    );
    expect(store.unhashedByDir()).toEqual([]);
    expect(store.size()).toBe(3);
  });

  test("a change before the initial hash wins: the late initial hash is dropped", () => {
    const store = createFingerprintStore();
    store.seed("a.go");
    store.markTouched("a.go");
    expect(store.fillInitial("", "a.go", 7)).toBe(false);
    expect(store.hashOf("a.go")).toBe(TOUCHED);
    expect(store.unhashedByDir()).toEqual([]);
    store.set("a.go", 9);
    expect(store.fillInitial("", "a.go", 7)).toBe(false);
    expect(store.hashOf("a.go")).toBe(9);
  });

  test("deleted files drop out of the fingerprint", () => {
    const store = createFingerprintStore();
    store.set("a.go", 1);
    const one = store.fingerprint();
    store.set("b.go", 2);
    expect(store.fingerprint()).not.toBe(one);
    store.delete("b.go");
    expect(store.fingerprint()).toBe(one);
  });

  test("filesUnder lists a directory's files, not a sibling's with the same prefix", () => {
    const store = createFingerprintStore();
    for (const p of ["src/a.go", "src/sub/b.go", "srcx/c.go", "d.go"]) store.set(p, 1);
    expect(store.filesUnder("src").sort()).toEqual(["src/a.go", "src/sub/b.go"]);
    expect(store.filesUnder("src/a.go")).toEqual([]);
    expect(store.paths().sort()).toEqual(["d.go", "src/a.go", "src/sub/b.go", "srcx/c.go"]);
  });

  test("seed keeps what is already known", () => {
    const store = createFingerprintStore();
    store.set("a.go", 5);
    store.seed("a.go");
    expect(store.hashOf("a.go")).toBe(5);
    expect(store.size()).toBe(1);
  });
});

describe("incremental fingerprint", () => {
  test("after any sequence of changes it equals the fingerprint of the final tree built at once", () => {
    const store = createFingerprintStore();
    const final = new Map<string, number>();
    // A deterministic pseudo-random walk over a small tree: sets, re-sets and deletes,
    // including directories emptied and filled again.
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    for (let i = 0; i < 2000; i++) {
      const path = `d${next() % 4}/e${next() % 3}/f${next() % 5}.go`;
      if (next() % 3 === 0) {
        store.delete(path);
        final.delete(path);
      } else {
        const hash = next() % 7;
        store.set(path, hash);
        final.set(path, hash);
      }
      if (i % 250 === 0) expect(store.fingerprint()).toBe(treeFingerprint(final));
    }
    expect(store.fingerprint()).toBe(treeFingerprint(final));
  });

  test("an emptied directory fingerprints like one that never existed", () => {
    const store = createFingerprintStore();
    store.set("a.go", 1);
    const before = store.fingerprint();
    store.set("deep/er/b.go", 2);
    expect(store.fingerprint()).not.toBe(before);
    store.delete("deep/er/b.go");
    expect(store.fingerprint()).toBe(before);
  });

  test("a path and a directory of the same name are told apart", () => {
    expect(treeFingerprint([["a/b", 1]])).not.toBe(treeFingerprint([["a", 1]]));
    expect(treeFingerprint([["x/a", 1]])).not.toBe(treeFingerprint([["x", 1]]));
  });
});
