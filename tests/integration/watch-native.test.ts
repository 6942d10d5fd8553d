import { describe, expect, test } from "bun:test";
import { mkdirSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeBatch, makeTree, startStream } from "../helpers/watch-harness.ts";

describe("native watching", () => {
  test("reports ready with mode native and a fingerprint at once", async () => {
    await using tree = await makeTree({ "main.go": "package main", "pkg/a.go": "package pkg" });
    await using h = await startStream(tree.root);
    const ready = await h.waitForEvent("watch.ready");
    expect(ready).toMatchObject({ mode: "native", dirs: 2 });
    expect(h.stream.fingerprint()).toMatch(/^[0-9a-f]{64}$/);
    await h.stream.ready;
  });

  test("in-place save and rename save are each one modify", async () => {
    await using tree = await makeTree({ "main.go": "v1", "util.go": "u1" });
    await using h = await startStream(tree.root);
    await h.stream.ready;
    const before = h.stream.fingerprint();
    writeFileSync(tree.path("main.go"), "v2");
    const inPlace = await h.nextBatch();
    expect(describeBatch(inPlace)).toEqual(["modify main.go"]);
    expect(inPlace.fingerprint).not.toBe(before);
    expect(h.stream.fingerprint()).toBe(inPlace.fingerprint);

    writeFileSync(tree.path("util.go.tmp"), "u2");
    renameSync(tree.path("util.go.tmp"), tree.path("util.go"));
    expect(describeBatch(await h.nextBatch())).toEqual(["modify util.go"]);
  });

  test("create, delete, and a file created and deleted at once is nothing", async () => {
    await using tree = await makeTree({ "old.go": "x" });
    await using h = await startStream(tree.root);
    await h.stream.ready;
    writeFileSync(tree.path("new.go"), "n");
    writeFileSync(tree.path("flash.go"), "f");
    rmSync(tree.path("flash.go"));
    rmSync(tree.path("old.go"));
    const batch = await h.nextBatch();
    expect(describeBatch(batch)).toEqual(["create new.go", "delete old.go"]);
  });

  test("mkdir -p of a deep tree with a file written at once", async () => {
    await using tree = await makeTree({ "main.go": "x" });
    await using h = await startStream(tree.root);
    mkdirSync(tree.path("a/b/c/d"), { recursive: true });
    writeFileSync(tree.path("a/b/c/d/deep.go"), "deep");
    expect(describeBatch(await h.nextBatch())).toEqual(["create a/b/c/d/deep.go"]);
    // The new directories are watched: a later write deep inside is seen.
    writeFileSync(tree.path("a/b/c/d/deep.go"), "deeper");
    expect(describeBatch(await h.nextBatch())).toEqual(["modify a/b/c/d/deep.go"]);
  });

  test("a directory moved in is watched and its files are creates; moved out, deletes", async () => {
    await using tree = await makeTree({ "main.go": "x" });
    const outside = await mkdtemp(join(tmpdir(), "hotreload-outside-"));
    try {
      mkdirSync(join(outside, "lib/sub"), { recursive: true });
      writeFileSync(join(outside, "lib/a.go"), "a");
      writeFileSync(join(outside, "lib/sub/b.go"), "b");
      await using h = await startStream(tree.root);
      renameSync(join(outside, "lib"), tree.path("lib"));
      expect(describeBatch(await h.nextBatch())).toEqual([
        "create lib/a.go",
        "create lib/sub/b.go",
      ]);
      writeFileSync(tree.path("lib/sub/b.go"), "b2");
      expect(describeBatch(await h.nextBatch())).toEqual(["modify lib/sub/b.go"]);
      renameSync(tree.path("lib"), join(outside, "gone"));
      expect(describeBatch(await h.nextBatch())).toEqual([
        "delete lib/a.go",
        "delete lib/sub/b.go",
      ]);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  test("a renamed directory: deletes under the old name, creates under the new", async () => {
    await using tree = await makeTree({ "src/a.go": "a" });
    await using h = await startStream(tree.root);
    await h.stream.ready;
    renameSync(tree.path("src"), tree.path("pkg"));
    expect(describeBatch(await h.nextBatch())).toEqual(["create pkg/a.go", "delete src/a.go"]);
    writeFileSync(tree.path("pkg/a.go"), "a2");
    expect(describeBatch(await h.nextBatch())).toEqual(["modify pkg/a.go"]);
  });

  test("touch, identical rewrite and same-bytes restore give no batch", async () => {
    await using tree = await makeTree({ "a.go": "same", "b.go": "b", "c.go": "c" });
    await using h = await startStream(tree.root);
    await h.stream.ready;
    const fingerprint = h.stream.fingerprint();
    const later = new Date(Date.now() + 5000);
    utimesSync(tree.path("a.go"), later, later);
    writeFileSync(tree.path("b.go"), "b");
    writeFileSync(tree.path("c.go"), "changed");
    writeFileSync(tree.path("c.go"), "c");
    // On a slow machine the three may straddle two windows: gather until all are reported.
    const unchanged = new Set<string>();
    await h.waitForEvent("changes.ignored", (e) => {
      if (e.reason === "content unchanged") for (const p of e.paths) unchanged.add(p);
      return unchanged.size === 3;
    });
    expect([...unchanged].sort()).toEqual(["a.go", "b.go", "c.go"]);
    // The first batch after all that is the real change that follows.
    writeFileSync(tree.path("b.go"), "b2");
    expect(describeBatch(await h.nextBatch())).toEqual(["modify b.go"]);
    expect(h.batches).toHaveLength(1);
    expect(h.stream.fingerprint()).not.toBe(fingerprint);
  });

  test("ignored paths never make a batch, and say why", async () => {
    await using tree = await makeTree({ "main.go": "x", ".gitignore": "dist/\n" });
    await using h = await startStream(tree.root, {
      ext: [".go"],
      alwaysIgnore: [tree.path("bin")],
    });
    await tree.write("dist/app.go", "x");
    await tree.write("bin/server.go", "x");
    await tree.write("README.md", "x");
    await tree.write("node_modules/m/index.go", "x");
    await tree.write("main.go.swp", "x");
    const reasons = new Set<string>();
    await h.waitForEvent("changes.ignored", (e) => {
      reasons.add(e.reason);
      return reasons.size >= 5;
    });
    expect([...reasons].sort()).toEqual([
      "always ignored: bin (build output or cache)",
      "default ignore: editor or OS file `*.swp`",
      "default ignore: node_modules/",
      "extension .md not in ext (.go)",
      "ignored by .gitignore:1 `dist/`",
    ]);
    writeFileSync(tree.path("main.go"), "y");
    expect(describeBatch(await h.nextBatch())).toEqual(["modify main.go"]);
  });

  test("editing .gitignore reloads the rules", async () => {
    await using tree = await makeTree({ "main.go": "x", ".gitignore": "gen/\n" });
    await using h = await startStream(tree.root);
    await tree.write("gen/a.go", "a");
    await h.waitForEvent("changes.ignored", (e) => e.paths.includes("gen/a.go"));
    writeFileSync(tree.path("main.go"), "y");
    expect(describeBatch(await h.nextBatch())).toEqual(["modify main.go"]);

    writeFileSync(tree.path(".gitignore"), "tmp/\n");
    expect(describeBatch(await h.nextBatch())).toEqual(["modify .gitignore"]);
    await tree.write("gen/b.go", "b");
    await tree.write("tmp/c.go", "c");
    expect(describeBatch(await h.nextBatch())).toEqual(["create gen/b.go"]);
  });

  test("symlinked directories: not followed by default; followed with loop protection", async () => {
    await using tree = await makeTree({ "main.go": "x" });
    const shared = await mkdtemp(join(tmpdir(), "hotreload-shared-"));
    try {
      writeFileSync(join(shared, "lib.go"), "lib");
      symlinkSync(shared, tree.path("shared"));
      symlinkSync(tree.root, tree.path("loop"));
      symlinkSync(tree.path("shared"), tree.path("shared-again"));
      {
        await using h = await startStream(tree.root);
        writeFileSync(join(shared, "lib.go"), "lib2");
        writeFileSync(tree.path("main.go"), "y");
        expect(describeBatch(await h.nextBatch())).toEqual(["modify main.go"]);
      }
      await using h = await startStream(tree.root, { followSymlinks: true });
      await h.stream.ready;
      writeFileSync(join(shared, "lib.go"), "lib3");
      expect(describeBatch(await h.nextBatch())).toEqual(["modify shared/lib.go"]);
      mkdirSync(join(shared, "sub"));
      writeFileSync(join(shared, "sub/x.go"), "x");
      expect(describeBatch(await h.nextBatch())).toEqual(["create shared/sub/x.go"]);
      expect(h.logs.some((l) => l.includes("loop") && l.includes("not followed"))).toBe(true);
    } finally {
      await rm(shared, { recursive: true, force: true });
    }
  });

  test("close() frees every inotify watch", async () => {
    const countWatches = async () => {
      let total = 0;
      for (const fd of await Array.fromAsync(new Bun.Glob("*").scan("/proc/self/fdinfo"))) {
        // An fd closed between listing and reading has no watches to count.
        const info = await Bun.file(`/proc/self/fdinfo/${fd}`)
          .text()
          .catch(() => "");
        total += info.split("\n").filter((l) => l.startsWith("inotify wd:")).length;
      }
      return total;
    };
    await using tree = await makeTree({ "a/b/c.go": "x", "d/e.go": "y" });
    const before = await countWatches();
    const h = await startStream(tree.root);
    expect(await countWatches()).toBeGreaterThan(before);
    await h.stream.close();
    expect(await countWatches()).toBe(before);
  });
});
