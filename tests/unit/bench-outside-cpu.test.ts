import { expect, test } from "bun:test";
import { outsideTicks, ticksBetween } from "../../scripts/bench/outside-cpu.ts";
import type { StatFields } from "../../scripts/bench/proc-stat.ts";

const s = (pid: number, start: number, utime: number, stime: number): StatFields => ({
  pid,
  comm: "x",
  state: "S",
  ppid: 1,
  pgid: pid,
  utime,
  stime,
  start,
});

test("outsideTicks leaves the bench's own processes out and keys by pid and start", () => {
  const ticks = outsideTicks([s(10, 5, 3, 1), s(20, 7, 100, 50), s(30, 9, 2, 2)], new Set([20]));
  expect([...ticks]).toEqual([
    ["10/5", 4],
    ["30/9", 4],
  ]);
});

test("ticksBetween: growth of the known, all of the newborn, a reused pid is a new process", () => {
  const before = new Map([
    ["10/5", 4],
    ["30/9", 4],
  ]);
  const after = new Map([
    ["10/5", 10], // +6
    ["30/12", 3], // pid 30 reused by a process born in between: all 3
    ["40/13", 2], // newborn: all 2
  ]);
  expect(ticksBetween(before, after)).toBe(11);
});
