/**
 * The default `auto` window on real saves: each editor's save style and a 200-file git
 * checkout arrive as exactly one batch. A sentinel write after each save must come as the
 * very next batch, which proves nothing of the save was left over for a second batch.
 */
import { describe, expect, test } from "bun:test";
import { closeSync, openSync, writeFileSync, writeSync } from "node:fs";
import { SAVE_SCENARIOS } from "../../scripts/editor-saves.ts";
import { describeBatch, makeTree, startStream } from "../helpers/watch-harness.ts";

const ROUNDS = 4;

describe("auto debounce on real saves", () => {
  for (const scenario of SAVE_SCENARIOS) {
    test(`${scenario.name}: one batch per save`, async () => {
      await using tree = await makeTree();
      scenario.setup(tree.root);
      await using h = await startStream(tree.root, { debounceMs: "auto" });
      await h.stream.ready;
      for (let round = 0; round < ROUNDS; round++) {
        scenario.act(tree.root, round);
        const batch = await h.nextBatch();
        if (scenario.name.startsWith("git")) {
          expect(batch.changes).toHaveLength(200);
          expect(new Set(batch.changes.map((c) => c.kind))).toEqual(new Set(["modify"]));
        } else {
          expect(describeBatch(batch)).toEqual(["modify main.go"]);
        }
        writeFileSync(`${tree.root}/sentinel.txt`, `round ${round}`);
        const next = await h.nextBatch();
        expect(describeBatch(next)).toEqual([`${round === 0 ? "create" : "modify"} sentinel.txt`]);
      }
    }, 60_000);
  }

  test("an in-place save slowed down between truncate and write is still one batch", async () => {
    await using tree = await makeTree({ "main.go": "package main // v0\n" });
    await using h = await startStream(tree.root, { debounceMs: "auto" });
    await h.stream.ready;
    for (let round = 1; round <= 3; round++) {
      const fd = openSync(`${tree.root}/main.go`, "w");
      // A writer descheduled right after truncating: longer than the settle window.
      await Bun.sleep(30);
      writeSync(fd, `package main // v${round}\n`);
      closeSync(fd);
      expect(describeBatch(await h.nextBatch())).toEqual(["modify main.go"]);
      writeFileSync(`${tree.root}/sentinel.txt`, `round ${round}`);
      const next = await h.nextBatch();
      expect(describeBatch(next)).toEqual([`${round === 1 ? "create" : "modify"} sentinel.txt`]);
    }
  }, 60_000);
});
