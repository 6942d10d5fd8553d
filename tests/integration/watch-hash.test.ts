import { describe, expect, test } from "bun:test";
import { closeSync, mkdirSync, openSync, statSync, writeFileSync, writeSync } from "node:fs";
import { createSystemClock } from "../../src/clock.ts";
import { silentLogger } from "../../src/log.ts";
import { confirmChanges } from "../../src/watch/confirm-changes.ts";
import {
  HASH_CHUNK_BYTES,
  hashChangedFile,
  hashFile,
  hashSmallFileSync,
  SYNC_HASH_MAX_BYTES,
} from "../../src/watch/file-hash.ts";
import { createPathFilter } from "../../src/watch/filter.ts";
import { createFingerprintStore, UNHASHED } from "../../src/watch/fingerprint-store.ts";
import { hashInitial } from "../../src/watch/initial-hash.ts";
import { scanTree } from "../../src/watch/tree-walk.ts";
import { makeTree } from "../helpers/watch-harness.ts";

describe("hashFile", () => {
  test("large files stream in chunks; a change in the last chunk is seen", async () => {
    await using tree = await makeTree();
    const size = HASH_CHUNK_BYTES * 3 + 12345;
    const content = new Uint8Array(size).map((_, i) => (i * 31) & 255);
    writeFileSync(tree.path("big.bin"), content);
    writeFileSync(tree.path("copy.bin"), content);
    const first = await hashFile(tree.path("big.bin"));
    expect(first).toEqual(await hashFile(tree.path("copy.bin")));
    expect(Number.isSafeInteger(first)).toBe(true);
    const fd = openSync(tree.path("big.bin"), "r+");
    writeSync(fd, new Uint8Array([255 - (content[size - 1] ?? 0)]), 0, 1, size - 1);
    closeSync(fd);
    expect(await hashFile(tree.path("big.bin"))).not.toBe(first);
  });

  test("an exact multiple of the chunk size and an empty file", async () => {
    await using tree = await makeTree();
    writeFileSync(tree.path("exact"), new Uint8Array(HASH_CHUNK_BYTES).fill(1));
    writeFileSync(tree.path("longer"), new Uint8Array(HASH_CHUNK_BYTES + 1).fill(1));
    writeFileSync(tree.path("empty"), "");
    const exact = await hashFile(tree.path("exact"));
    expect(exact).not.toBeNull();
    expect(exact).not.toBe(await hashFile(tree.path("longer")));
    expect(await hashFile(tree.path("empty"))).toBe(
      (await hashChangedFile(tree.path("empty"))) as number,
    );
  });

  test("missing paths and directories have no hash", async () => {
    await using tree = await makeTree();
    mkdirSync(tree.path("dir"));
    expect(await hashFile(tree.path("nope"))).toBeNull();
    expect(await hashFile(tree.path("dir"))).toBeNull();
  });
});

describe("hashChangedFile", () => {
  test("gives the same hash as hashFile at every size, on both sides of the sync limit", async () => {
    await using tree = await makeTree();
    const sizes = [0, 1, 4096, SYNC_HASH_MAX_BYTES - 1, SYNC_HASH_MAX_BYTES, HASH_CHUNK_BYTES + 7];
    for (const size of sizes) {
      const file = tree.path(`f${size}`);
      writeFileSync(
        file,
        new Uint8Array(size).map((_, i) => (i * 7) & 255),
      );
      const fast = await hashChangedFile(file);
      expect(Number.isSafeInteger(fast)).toBe(true);
      expect(fast).toBe((await hashFile(file)) as number);
      const sync = hashSmallFileSync(file, Buffer.alloc(SYNC_HASH_MAX_BYTES));
      if (size < SYNC_HASH_MAX_BYTES) {
        expect(sync).toEqual({ hash: fast as number, ctimeMs: statSync(file).ctimeMs });
      } else expect(sync).toBe("large");
    }
  });

  test("missing paths and directories have no hash", async () => {
    await using tree = await makeTree();
    mkdirSync(tree.path("dir"));
    expect(await hashChangedFile(tree.path("nope"))).toBeNull();
    expect(await hashChangedFile(tree.path("dir"))).toBeNull();
    const buffer = Buffer.alloc(64);
    expect(hashSmallFileSync(tree.path("nope"), buffer)).toBeNull();
    expect(hashSmallFileSync(tree.path("dir"), buffer)).toBeNull();
  });
});

function seedFrom(root: string) {
  const store = createFingerprintStore();
  const filter = createPathFilter({ root, ext: [], ignorePatterns: [], alwaysIgnore: [] });
  scanTree(
    {
      root,
      start: "",
      filter,
      followSymlinks: false,
      visitedReal: new Set([root]),
      loadGitignores: true,
      log: silentLogger,
    },
    false,
    (dir, name) => store.seedIn(dir, name),
  );
  return store;
}

describe("initial hashing and confirmation", () => {
  test("hashes every file found; a file changed before its hash counts as changed", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 50; i++) files[`d${i % 5}/f${i}.txt`] = `content ${i}`;
    await using tree = await makeTree(files);
    const store = seedFrom(tree.root);
    expect(store.size()).toBe(50);
    // A change arrives for f0 before any hashing: it must count whatever its bytes.
    store.markTouched("d0/f0.txt");
    const { hashed, unhashed } = await hashInitial({
      root: tree.root,
      store,
      clock: createSystemClock(),
      log: silentLogger,
      isClosed: () => false,
      settleMs: 50,
    });
    expect({ hashed, unhashed }).toEqual({ hashed: 49, unhashed: 0 });
    const options = { root: tree.root, store, log: silentLogger, concurrency: 4 };
    const result = await confirmChanges(
      [
        { path: "d0/f0.txt", kind: "modify" },
        { path: "d1/f1.txt", kind: "modify" },
      ],
      options,
    );
    expect(result).toEqual({
      changes: [{ path: "d0/f0.txt", kind: "modify" }],
      unchanged: ["d1/f1.txt"],
      hashes: new Map([["d0/f0.txt", store.hashOf("d0/f0.txt") as number]]),
    });
  });

  test("files changed lately are hashed only once settled; files that never settle stay unhashed", async () => {
    await using tree = await makeTree({ "a.go": "a", "sub/b.go": "b" });
    writeFileSync(tree.path("big.bin"), new Uint8Array(SYNC_HASH_MAX_BYTES + 10).fill(3));
    const newest = Math.max(
      ...["a.go", "sub/b.go", "big.bin"].map((rel) => statSync(tree.path(rel)).ctimeMs),
    );
    const run = async (settlesAfterLooks: number) => {
      const store = seedFrom(tree.root);
      let looks = 0;
      // A fake wall clock makes the files' ages exact: "just changed" for the first
      // looks, then long settled.
      const wallNow = () => (looks++ < settlesAfterLooks ? newest : newest + 60_000);
      const result = await hashInitial({
        root: tree.root,
        store,
        clock: createSystemClock(),
        log: silentLogger,
        isClosed: () => false,
        settleMs: 20,
        wallNow,
      });
      return { store, result, looks };
    };
    const settled = await run(3);
    expect(settled.result).toMatchObject({ hashed: 3, unhashed: 0 });
    // First pass: three looks, all too fresh; second pass: three more, all kept.
    expect(settled.looks).toBe(6);
    expect(settled.store.hashOf("big.bin")).toBe((await hashFile(tree.path("big.bin"))) as number);
    expect(settled.store.hashOf("sub/b.go")).toBe(
      (await hashFile(tree.path("sub/b.go"))) as number,
    );

    const never = await run(Number.POSITIVE_INFINITY);
    expect(never.result).toMatchObject({ hashed: 0, unhashed: 3 });
    expect(never.store.hashOf("a.go")).toBe(UNHASHED);
    expect(never.store.unhashedByDir().flatMap(([, names]) => names)).toHaveLength(3);
  });
});
