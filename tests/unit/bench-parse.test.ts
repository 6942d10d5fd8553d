import { expect, test } from "bun:test";
import { gapsSeconds, parseStarts } from "../../scripts/bench/app-log.ts";
import { parseCpuModel, parseGoVersion } from "../../scripts/bench/machine.ts";
import { parseStat, treeOf } from "../../scripts/bench/proc-stat.ts";
import { expectedBackoff, matchesBackoff } from "../../scripts/bench/scenario-crash-gaps.ts";
import { describeOutcome } from "../../scripts/bench/scenario-survival.ts";
import { extRegex, rotate } from "../../scripts/bench/tools.ts";

test("/proc/<pid>/stat: the command may hold spaces and parentheses", () => {
  const line = "4242 (my (odd) name) S 1 4242 4242 0 -1 4194304 1 0 0 0 7 3 0 0 20 0 1 0 99";
  expect(parseStat(line)).toMatchObject({ pid: 4242, comm: "my (odd) name", ppid: 1, state: "S" });
  expect(parseStat("12 (sleep) Z 11 9 9")).toBeNull();
  expect(parseStat("garbage")).toBeNull();
});

test("a tree follows parent links, grandchildren included, nothing else", () => {
  const all = [
    { pid: 1, ppid: 0 },
    { pid: 10, ppid: 1 },
    { pid: 11, ppid: 10 },
    { pid: 12, ppid: 11 },
    { pid: 20, ppid: 1 },
  ];
  expect(treeOf(10, all).sort()).toEqual([10, 11, 12]);
  expect(treeOf(20, all)).toEqual([20]);
  // A torn snapshot (a pid reused while /proc was read) may hold a cycle: each pid once.
  expect(treeOf(30, [...all, { pid: 30, ppid: 31 }, { pid: 31, ppid: 30 }])).toEqual([30, 31]);
});

test("start lines and the gaps between them", () => {
  const starts = parseStarts("start 1000\nnoise\nstart 2005\nstart 4010\nstart x\n");
  expect(starts).toEqual([1000, 2005, 4010]);
  expect(gapsSeconds(starts)).toEqual([1.005, 2.005]);
  expect(gapsSeconds([])).toEqual([]);
});

test("expected backoff gaps within a window, and matching with slack", () => {
  expect(expectedBackoff(20)).toEqual([1, 2, 4, 8]);
  expect(expectedBackoff(4)).toEqual([1, 2]);
  expect(expectedBackoff(100, 1, 16)).toEqual([1, 2, 4, 8, 16, 16, 16, 16, 16]);
  expect(matchesBackoff([1.02, 2.1, 4.05, 7.9], [1, 2, 4, 8])).toBe(true);
  expect(matchesBackoff([1.02, 2.1], [1, 2, 4, 8])).toBe(false);
  expect(matchesBackoff([0.01, 0.01], [1, 2])).toBe(false);
});

test("survival outcomes read as a verdict", () => {
  expect(describeOutcome({ goneAfterMs: 31.6, left: 0, waitedMs: 1000 })).toBe(
    "stopped in 32 ms ✓",
  );
  expect(describeOutcome({ goneAfterMs: null, left: 2, waitedMs: 1000 })).toContain(
    "server and its child still running after 1 s",
  );
  expect(describeOutcome({ goneAfterMs: null, left: 1, waitedMs: 2000 })).toContain("child");
});

test("machine description parsing", () => {
  expect(parseCpuModel("processor\t: 0\nmodel name\t: AMD EPYC 7B13\nflags : x")).toBe(
    "AMD EPYC 7B13",
  );
  expect(parseCpuModel("")).toBeNull();
  expect(parseGoVersion("go version go1.19.8 linux/amd64")).toBe("1.19.8");
  expect(parseGoVersion("sh: go: not found")).toBeNull();
});

test("reflex's pattern from an extension list, and round-robin order", () => {
  expect(extRegex([".go", ".mod"])).toBe("\\.(go|mod)$");
  expect(new RegExp(extRegex([".ts"])).test("a/server.ts")).toBe(true);
  expect(new RegExp(extRegex([".ts"])).test("a/.server.ts.tmp")).toBe(false);
  expect(rotate([1, 2, 3], 1)).toEqual([2, 3, 1]);
  expect(rotate([1, 2, 3], 3)).toEqual([1, 2, 3]);
  expect(rotate([], 2)).toEqual([]);
});
