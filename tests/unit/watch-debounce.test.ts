import { describe, expect, test } from "bun:test";
import type { ChangeKind, FileChange } from "../../src/events/types.ts";
import {
  AUTO_BURST_EVENTS,
  AUTO_BURST_MS,
  AUTO_SETTLE_MS,
  createDebouncer,
  mergeChange,
} from "../../src/watch/debounce.ts";
import { createFakeClock } from "../helpers/fake-clock.ts";

describe("mergeChange", () => {
  test.each([
    [undefined, "create", "create"],
    [undefined, "rename", "create"],
    ["create", "modify", "create"],
    ["create", "create", "create"],
    ["create", "delete", null],
    ["rename", "delete", null],
    ["modify", "modify", "modify"],
    ["modify", "create", "modify"],
    ["modify", "delete", "delete"],
    ["delete", "create", "modify"],
    ["delete", "modify", "modify"],
    ["delete", "delete", "delete"],
  ] as const)("%p then %p → %p", (previous, next, expected) => {
    expect(mergeChange(previous as ChangeKind | undefined, next)).toBe(expected);
  });
});

function setup(quietMs: number | "auto" = 100, maxMs = 1000) {
  const clock = createFakeClock();
  const batches: { at: number; changes: FileChange[] }[] = [];
  const debouncer = createDebouncer({
    clock,
    quietMs,
    maxMs,
    onFlush: (changes) => batches.push({ at: clock.now(), changes }),
  });
  return { clock, batches, debouncer };
}

describe("createDebouncer", () => {
  test("flushes once after the quiet window, restarted by each event", () => {
    const { clock, batches, debouncer } = setup(100);
    debouncer.add("a.go", "modify");
    clock.advance(90);
    debouncer.add("b.go", "create");
    clock.advance(90);
    expect(batches).toEqual([]);
    clock.advance(10);
    expect(batches).toEqual([
      {
        at: 190,
        changes: [
          { path: "a.go", kind: "modify" },
          { path: "b.go", kind: "create" },
        ],
      },
    ]);
    expect(clock.pending()).toBe(0);
  });

  test("an endless stream still flushes at the maximum wait", () => {
    const { clock, batches, debouncer } = setup(100, 1000);
    for (let t = 0; t < 2500; t += 50) {
      debouncer.add(`f${t}`, "modify");
      clock.advance(50);
    }
    expect(batches.map((b) => b.at)).toEqual([1000, 2000]);
    expect(batches[0]?.changes).toHaveLength(20);
    clock.advance(100);
    expect(batches.map((b) => b.at)).toEqual([1000, 2000, 2550]);
  });

  test("merges kinds per path and drops a path that came and went", () => {
    const { clock, batches, debouncer } = setup();
    debouncer.add("new.go", "create");
    debouncer.add("new.go", "modify");
    debouncer.add("tmp.go", "create");
    debouncer.add("tmp.go", "delete");
    debouncer.add("saved.go", "delete");
    debouncer.add("saved.go", "create");
    clock.advance(100);
    expect(batches[0]?.changes).toEqual([
      { path: "new.go", kind: "create" },
      { path: "saved.go", kind: "modify" },
    ]);
  });

  test("a window whose changes all cancel out flushes nothing", () => {
    const { clock, batches, debouncer } = setup();
    debouncer.add("4913", "create");
    debouncer.add("4913", "delete");
    clock.advance(500);
    expect(batches).toEqual([]);
    expect(clock.pending()).toBe(0);
  });

  test("300ms windows work the same", () => {
    const { clock, batches, debouncer } = setup(300, 1000);
    debouncer.add("a", "modify");
    clock.advance(299);
    expect(batches).toHaveLength(0);
    clock.advance(1);
    expect(batches).toHaveLength(1);
  });

  test("close drops pending changes and clears the timer", () => {
    const { clock, batches, debouncer } = setup();
    debouncer.add("a", "modify");
    debouncer.close();
    expect(clock.pending()).toBe(0);
    debouncer.add("b", "modify");
    clock.advance(1000);
    expect(batches).toEqual([]);
  });

  test("flush() delivers at once", () => {
    const { batches, debouncer, clock } = setup();
    debouncer.add("a", "modify");
    debouncer.flush();
    expect(batches).toHaveLength(1);
    expect(clock.pending()).toBe(0);
  });
});

describe("auto window", () => {
  test("an editor save (a few events) flushes after the short settle window", () => {
    const { clock, batches, debouncer } = setup("auto");
    // A vim rename-save as it reaches the debouncer: the file goes, comes back, is written.
    debouncer.add("main.go", "delete");
    clock.advance(1);
    debouncer.add("main.go", "create");
    debouncer.add("main.go", "modify");
    clock.advance(AUTO_SETTLE_MS - 1);
    expect(batches).toHaveLength(0);
    clock.advance(1);
    expect(batches).toEqual([
      { at: AUTO_SETTLE_MS + 1, changes: [{ path: "main.go", kind: "modify" }] },
    ]);
  });

  test("while a file is missing (mid rename-save) the batch waits for the longer window", () => {
    const { clock, batches, debouncer } = setup("auto");
    debouncer.add("main.go", "delete");
    // The editor is slow to write the new file: longer than the settle window.
    clock.advance(AUTO_SETTLE_MS * 4);
    expect(batches).toHaveLength(0);
    debouncer.add("main.go", "create");
    clock.advance(AUTO_SETTLE_MS);
    expect(batches).toEqual([
      { at: AUTO_SETTLE_MS * 5, changes: [{ path: "main.go", kind: "modify" }] },
    ]);
  });

  test("an in-place save caught between truncate and write waits for the write", () => {
    const { clock, batches, debouncer } = setup("auto");
    debouncer.add("main.go", "modify", true); // the truncate: the file is empty now
    clock.advance(AUTO_SETTLE_MS * 4);
    expect(batches).toHaveLength(0);
    debouncer.add("main.go", "modify", false); // the write
    clock.advance(AUTO_SETTLE_MS);
    expect(batches.map((b) => b.changes)).toEqual([[{ path: "main.go", kind: "modify" }]]);
  });

  test("a file that stays empty is still reported, after the longer window", () => {
    const { clock, batches, debouncer } = setup("auto");
    debouncer.add("__init__.py", "create", true);
    clock.advance(AUTO_BURST_MS - 1);
    expect(batches).toHaveLength(0);
    clock.advance(1);
    expect(batches.map((b) => b.changes)).toEqual([[{ path: "__init__.py", kind: "create" }]]);
  });

  test("a real delete is reported after the longer window", () => {
    const { clock, batches, debouncer } = setup("auto");
    debouncer.add("old.go", "delete");
    clock.advance(AUTO_BURST_MS - 1);
    expect(batches).toHaveLength(0);
    clock.advance(1);
    expect(batches[0]?.changes).toEqual([{ path: "old.go", kind: "delete" }]);
  });

  test("a burst switches to the longer window, so a checkout with a pause stays one batch", () => {
    const { clock, batches, debouncer } = setup("auto");
    for (let i = 0; i <= AUTO_BURST_EVENTS; i++) debouncer.add(`f${i}.go`, "modify");
    // git paused for longer than the settle window, shorter than the burst window.
    clock.advance(AUTO_SETTLE_MS * 3);
    expect(batches).toHaveLength(0);
    debouncer.add("last.go", "create");
    clock.advance(AUTO_BURST_MS - 1);
    expect(batches).toHaveLength(0);
    clock.advance(1);
    expect(batches).toHaveLength(1);
    expect(batches[0]?.changes).toHaveLength(AUTO_BURST_EVENTS + 2);
  });

  test("the next batch starts short again after a burst", () => {
    const { clock, batches, debouncer } = setup("auto");
    for (let i = 0; i <= AUTO_BURST_EVENTS; i++) debouncer.add(`f${i}.go`, "modify");
    clock.advance(AUTO_BURST_MS);
    expect(batches).toHaveLength(1);
    debouncer.add("main.go", "modify");
    clock.advance(AUTO_SETTLE_MS);
    expect(batches).toHaveLength(2);
  });

  test("a fixed 0 window flushes on the next tick of the clock", () => {
    const { clock, batches, debouncer } = setup(0);
    debouncer.add("main.go", "modify");
    clock.advance(0);
    expect(batches).toHaveLength(1);
  });
});
