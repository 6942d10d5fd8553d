import { expect, test } from "bun:test";
import { gapsSeconds, parseStarts } from "../../scripts/bench/app-log.ts";
import { parseCpuModel, parseGoVersion } from "../../scripts/bench/machine.ts";
import { descendantsOf, parseProcStat } from "../../scripts/bench/process-tree.ts";
import { expectedBackoff, matchesBackoff } from "../../scripts/bench/scenario-crash-gaps.ts";
import { describeOutcome } from "../../scripts/bench/scenario-survival.ts";
import { extRegex, rotate } from "../../scripts/bench/tools.ts";

test("/proc/<pid>/stat: the command may hold spaces and parentheses", () => {
  expect(parseProcStat("4242 (my (odd) name) S 1 4242 4242 0 -1")).toEqual({
    pid: 4242,
    ppid: 1,
    pgid: 4242,
    state: "S",
  });
  expect(parseProcStat("12 (sleep) Z 11 9 9")).toMatchObject({ state: "Z", ppid: 11, pgid: 9 });
  expect(parseProcStat("garbage")).toBeNull();
});

test("descendants follow parent links, grandchildren included, nothing else", () => {
  const all = [
    { pid: 1, ppid: 0, pgid: 1, state: "S" },
    { pid: 10, ppid: 1, pgid: 10, state: "S" },
    { pid: 11, ppid: 10, pgid: 11, state: "S" },
    { pid: 12, ppid: 11, pgid: 11, state: "S" },
    { pid: 20, ppid: 1, pgid: 20, state: "S" },
  ];
  expect(descendantsOf(10, all).sort()).toEqual([11, 12]);
  expect(descendantsOf(20, all)).toEqual([]);
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
