/**
 * follow_symlinks never escapes: a link to `/` or to an ancestor of the root is refused
 * like a loop, and a link that would add more than MAX_LINKED_DIRS directories is refused
 * with a warning; what the root itself holds is watched as usual.
 */
import { describe, expect, test } from "bun:test";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { MAX_LINKED_DIRS } from "../../src/watch/symlink-guard.ts";
import { tempDir } from "../helpers/temp-dir.ts";
import { describeBatch, makeTree, startStream } from "../helpers/watch-harness.ts";

describe("follow_symlinks stays inside bounds", () => {
  test("links to / and to an ancestor of the root are refused like a loop", async () => {
    await using tree = await makeTree({ "main.go": "x" });
    symlinkSync("/", tree.path("everything"));
    symlinkSync(dirname(tree.root), tree.path("parent"));
    const started = performance.now();
    await using h = await startStream(tree.root, { followSymlinks: true });
    await h.stream.ready;
    // Walking / would take seconds and tens of thousands of directories.
    expect(performance.now() - started).toBeLessThan(5000);
    const refused = h.logs.filter((l) => l.includes("not followed") && l.includes("loop"));
    expect(refused.some((l) => l.includes("everything"))).toBe(true);
    expect(refused.some((l) => l.includes("parent"))).toBe(true);
    writeFileSync(tree.path("main.go"), "y");
    expect(describeBatch(await h.nextBatch())).toEqual(["modify main.go"]);
  }, 30_000);

  test("a link that would add more than the bound is refused with a warning", async () => {
    await using tree = await makeTree({ "main.go": "x" });
    using big = tempDir("hotreload-big-");
    for (let i = 0; i <= MAX_LINKED_DIRS; i++) mkdirSync(join(big.path, `d${i}`));
    writeFileSync(join(big.path, "d0", "lib.go"), "lib");
    symlinkSync(big.path, tree.path("big"));
    using small = tempDir("hotreload-small-");
    writeFileSync(join(small.path, "ok.go"), "ok");
    symlinkSync(small.path, tree.path("small"));
    await using h = await startStream(tree.root, { followSymlinks: true });
    await h.stream.ready;
    const warnings = h.logs.filter((l) => l.startsWith("warn ") && l.includes("big"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`more than ${MAX_LINKED_DIRS} directories`);
    // The small link is followed; the big one is not.
    writeFileSync(join(big.path, "d0", "lib.go"), "lib2");
    writeFileSync(join(small.path, "ok.go"), "ok2");
    expect(describeBatch(await h.nextBatch())).toEqual(["modify small/ok.go"]);
  }, 60_000);
});
