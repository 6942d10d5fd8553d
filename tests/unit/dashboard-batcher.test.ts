import { expect, test } from "bun:test";
import { createBatcher } from "../../src/dashboard/batcher.ts";
import { createFakeClock } from "../helpers/fake-clock.ts";

function setup(maxItems = 1000) {
  const clock = createFakeClock();
  const delivered: string[][] = [];
  const batcher = createBatcher<string>({
    clock,
    deliver: (items) => delivered.push(items),
    maxItems,
  });
  return { clock, delivered, batcher };
}

test("items pushed within one frame are delivered together after 16 ms", () => {
  const { clock, delivered, batcher } = setup();
  batcher.push("a");
  batcher.push("b");
  clock.advance(15);
  expect(delivered).toEqual([]);
  clock.advance(1);
  expect(delivered).toEqual([["a", "b"]]);
  expect(clock.pending()).toBe(0);
  batcher.push("c");
  clock.advance(16);
  expect(delivered).toEqual([["a", "b"], ["c"]]);
});

test("an urgent item flushes at once, behind what was queued, and cancels the timer", () => {
  const { clock, delivered, batcher } = setup();
  batcher.push("log1");
  batcher.push("phase", true);
  expect(delivered).toEqual([["log1", "phase"]]);
  expect(clock.pending()).toBe(0);
});

test("a full frame is delivered without waiting", () => {
  const { delivered, batcher } = setup(3);
  for (const item of ["a", "b", "c", "d"]) batcher.push(item);
  expect(delivered).toEqual([["a", "b", "c"]]);
});

test("close drops the queue, stops the timer and ignores later pushes", () => {
  const { clock, delivered, batcher } = setup();
  batcher.push("a");
  batcher.close();
  batcher.push("b");
  clock.advance(100);
  expect(delivered).toEqual([]);
  expect(clock.pending()).toBe(0);
});
