import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { treeFile } from "../../scripts/bench/proc-hotreload.ts";
import { lineStamp, scanStamps } from "../../scripts/bench/proc-stamps.ts";
import {
  childrenOf,
  cpuPercent,
  parseSchedstatNs,
  parseStat,
  parseStatusKb,
  type StatFields,
  threadDeltaMs,
  treeOf,
} from "../../scripts/bench/proc-stat.ts";

// A real /proc/<pid>/stat line, with a command name holding a space and a parenthesis.
const STAT =
  "4242 (my (odd) cmd) S 4200 4242 4100 34816 4242 4194304 1519 0 0 0 731 245 0 0 20 0 9 0 123456 1302917120 14412 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0";

describe("parseStat", () => {
  test("reads pid, comm, ppid, pgid, utime, stime and start", () => {
    expect(parseStat(STAT)).toEqual({
      pid: 4242,
      comm: "my (odd) cmd",
      state: "S",
      ppid: 4200,
      pgid: 4242,
      utime: 731,
      stime: 245,
      start: 123456,
    });
  });

  test("rejects text that is not a stat line", () => {
    expect(parseStat("")).toBeNull();
    expect(parseStat("12 (cut")).toBeNull();
    expect(parseStat("12 (x) S 1 2")).toBeNull();
  });

  test("parses this process's own line with its real pid", () => {
    const own = parseStat(readFileSync("/proc/self/stat", "utf8"));
    expect(own?.pid).toBeGreaterThan(0);
    expect(own?.utime).toBeGreaterThanOrEqual(0);
  });
});

describe("parseStatusKb", () => {
  const status = "Name:\tbun\nVmPeak:\t  900 kB\nVmHWM:\t   61234 kB\nVmRSS:\t   58012 kB\n";
  test("reads VmRSS and VmHWM in kB", () => {
    expect(parseStatusKb(status, "VmRSS")).toBe(58012);
    expect(parseStatusKb(status, "VmHWM")).toBe(61234);
  });
  test("null when the field is absent (kernel threads have no VmRSS)", () => {
    expect(parseStatusKb("Name:\tkthreadd\n", "VmRSS")).toBeNull();
  });
});

test("parseSchedstatNs reads the first field", () => {
  expect(parseSchedstatNs("591028 1200 3\n")).toBe(591028);
  expect(parseSchedstatNs("")).toBeNull();
  expect(parseSchedstatNs("x 1 2")).toBeNull();
});

test("cpuPercent is a share of one core, NaN without wall time", () => {
  expect(cpuPercent(10, 10_000)).toBeCloseTo(0.1);
  expect(cpuPercent(500, 1000)).toBe(50);
  expect(cpuPercent(1, 0)).toBeNaN();
});

describe("process trees", () => {
  const s = (pid: number, ppid: number): StatFields => ({
    pid,
    ppid,
    comm: "x",
    state: "S",
    pgid: pid,
    utime: 0,
    stime: 0,
    start: 0,
  });
  const stats = [s(1, 0), s(10, 1), s(11, 10), s(12, 10), s(13, 11), s(20, 1)];
  test("childrenOf groups by parent", () => {
    expect(childrenOf(stats).get(10)).toEqual([11, 12]);
  });
  test("treeOf is the root and every descendant, not siblings", () => {
    expect(treeOf(10, stats).sort((a, b) => a - b)).toEqual([10, 11, 12, 13]);
    expect(treeOf(99, stats)).toEqual([99]);
  });
});

describe("scanStamps", () => {
  test("times complete stamp lines and carries an unfinished one", () => {
    const first = scanStamps("TS 1000\nINFO line\nTS 1005.5\nTS 10", 1010);
    expect(first.lags).toEqual([10, 4.5]);
    expect(first.carry).toBe("TS 10");
    const second = scanStamps(`${first.carry}08\nrest`, 1020);
    expect(second.lags).toEqual([12]);
    expect(second.carry).toBe("rest");
  });

  test("ignores TS in the middle of a line, also across chunks", () => {
    expect(scanStamps("INFO TS 5\n", 10).lags).toEqual([]);
    const long = scanStamps(`${"x".repeat(80)}`, 10);
    expect(scanStamps(`${long.carry}TS 5\n`, 10).lags).toEqual([]);
  });
});

test("lineStamp reads a trailing ts=", () => {
  expect(lineStamp("INFO request 1 in 3ms ts=1712.25")).toBe(1712.25);
  expect(lineStamp("ts=12 not at the end")).toBeNull();
});

test("treeFile spreads files over the leaf dirs, 50 to a group", () => {
  const shape = { files: 10_000, dirs: 1000 };
  expect(treeFile(shape, 0)).toBe("g0/d0/f0.go");
  expect(treeFile(shape, 1051)).toBe("g1/d51/f1051.go");
  const dirs = new Set(
    Array.from({ length: shape.files }, (_, i) => treeFile(shape, i).split("/f")[0]),
  );
  expect(dirs.size).toBe(1000);
});

test("threadDeltaMs counts growth of known threads and all of new ones, not ended ones", () => {
  const before = new Map([
    ["1/1", 100],
    ["1/2", 50],
    ["1/3", 70],
  ]);
  const after = new Map([
    ["1/1", 104],
    ["1/2", 50],
    ["1/9", 3],
  ]);
  expect(threadDeltaMs(before, after)).toBe(7);
});
