import { expect, test } from "bun:test";
import {
  clipLine,
  createLogRing,
  type LogEvent,
  MAX_LINE_CHARS,
} from "../../src/dashboard/log-ring.ts";

const line = (n: number): LogEvent => ({
  type: "log",
  stream: "app",
  fd: "stdout",
  line: `l${n}`,
  time: n,
});

test("the ring keeps the newest lines in order and never more than its capacity", () => {
  const ring = createLogRing(3);
  for (let i = 1; i <= 2; i++) ring.push(line(i));
  expect(ring.toArray().map((e) => e.line)).toEqual(["l1", "l2"]);
  for (let i = 3; i <= 10; i++) ring.push(line(i));
  expect(ring.size()).toBe(3);
  expect(ring.toArray().map((e) => e.line)).toEqual(["l8", "l9", "l10"]);
  ring.clear();
  expect(ring.toArray()).toEqual([]);
  ring.push(line(11));
  expect(ring.toArray().map((e) => e.line)).toEqual(["l11"]);
});

test("a bad capacity is refused", () => {
  expect(() => createLogRing(0)).toThrow(/positive integer/);
});

test("long lines are clipped with a note; short lines are returned as they are", () => {
  const short = line(1);
  expect(clipLine(short)).toBe(short);
  const long = { ...short, line: "x".repeat(MAX_LINE_CHARS + 10) };
  const clipped = clipLine(long);
  expect(clipped.line.startsWith("x".repeat(MAX_LINE_CHARS))).toBe(true);
  expect(clipped.line.endsWith("… [10 more characters]")).toBe(true);
});

test("lines keep their number: a range is clamped to what is kept, and a clear does not renumber", () => {
  const ring = createLogRing(3);
  for (let i = 0; i < 5; i++) ring.push(line(i));
  expect([ring.first(), ring.end()]).toEqual([2, 5]);
  expect(ring.range(0, 4).map((e) => e.line)).toEqual(["l2", "l3"]);
  expect(ring.range(4, 99).map((e) => e.line)).toEqual(["l4"]);
  ring.clear();
  expect([ring.first(), ring.end()]).toEqual([5, 5]);
  ring.push(line(5));
  expect(ring.range(0, 10).map((e) => e.line)).toEqual(["l5"]);
});
