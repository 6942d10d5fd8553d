import { describe, expect, test } from "bun:test";
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from "node:fs";
import { silentLogger } from "../../src/log.ts";
import { confirmChanges } from "../../src/watch/confirm-changes.ts";
import {
  HASH_CHUNK_BYTES,
  hashChangedFile,
  hashFile,
  SYNC_HASH_MAX_BYTES,
} from "../../src/watch/file-hash.ts";
import { createPathFilter } from "../../src/watch/filter.ts";
import { createFingerprintStore } from "../../src/watch/fingerprint-store.ts";
import { hashInitial } from "../../src/watch/initial-hash.ts";
import { walkTree } from "../../src/watch/tree-walk.ts";
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
    expect(first).toEndWith(`:${size}`);
    const fd = openSync(tree.path("big.bin"), "r+");
    writeSync(fd, new Uint8Array([255 - (content[size - 1] ?? 0)]), 0, 1, size - 1);
    closeSync(fd);
    expect(await hashFile(tree.path("big.bin"))).not.toBe(first);
  });

  test("an exact multiple of the chunk size and an empty file", async () => {
    await using tree = await makeTree();
    writeFileSync(tree.path("exact"), new Uint8Array(HASH_CHUNK_BYTES).fill(1));
    writeFileSync(tree.path("empty"), "");
    expect(await hashFile(tree.path("exact"))).toEndWith(`:${HASH_CHUNK_BYTES}`);
    expect(await hashFile(tree.path("empty"))).toEndWith(":0");
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
      expect(fast).toEndWith(`:${size}`);
      expect(fast).toBe((await hashFile(file)) as string);
    }
  });

  test("missing paths and directories have no hash", async () => {
    await using tree = await makeTree();
    mkdirSync(tree.path("dir"));
    expect(await hashChangedFile(tree.path("nope"))).toBeNull();
    expect(await hashChangedFile(tree.path("dir"))).toBeNull();
  });
});

describe("initial hashing and confirmation", () => {
  test("hashes every file found; a file changed before its hash counts as changed", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 50; i++) files[`d${i % 5}/f${i}.txt`] = `content ${i}`;
    await using tree = await makeTree(files);
    const store = createFingerprintStore();
    const filter = createPathFilter({
      root: tree.root,
      ext: [],
      ignorePatterns: [],
      alwaysIgnore: [],
    });
    const walk = walkTree({
      root: tree.root,
      start: "",
      filter,
      followSymlinks: false,
      visitedReal: new Set([tree.root]),
      loadGitignores: true,
      log: silentLogger,
    });
    for (const [path, sig] of walk.files) store.seed(path, sig);
    // A change arrives for f0 before any hashing: it must count whatever its bytes.
    store.markTouched("d0/f0.txt");
    const { hashed } = await hashInitial({
      root: tree.root,
      store,
      log: silentLogger,
      isClosed: () => false,
      concurrency: 3,
    });
    expect(hashed).toBe(49);
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
    });
  });
});
