/**
 * The CPU that processes outside the benchmark used while a session ran: the machine is
 * shared (2 cores, other sessions' tests and loads), and a stall measured while something
 * else was busy says little about the tool. Sampled from /proc: each process outside the
 * bench's own tree (the bench, the tool, the apps, their builds, the load client) is
 * followed by pid and start time; its growth in utime + stime between samples adds up. A
 * process born and gone between two samples is missed, so the figure is a lower bound.
 * Pure parts unit-tested in tests/unit/bench-outside-cpu.test.ts.
 */
import { readAllStats, type StatFields, treeOf } from "./proc-stat.ts";

/** utime + stime (ticks) of each process outside `own`, keyed by pid and start time. */
export function outsideTicks(
  stats: readonly StatFields[],
  own: ReadonlySet<number>,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of stats) if (!own.has(s.pid)) out.set(`${s.pid}/${s.start}`, s.utime + s.stime);
  return out;
}

/**
 * Ticks used between two samples: the growth of processes seen in both, plus all of those
 * first seen in `after` (born in between).
 */
export function ticksBetween(before: Map<string, number>, after: Map<string, number>): number {
  let ticks = 0;
  for (const [key, value] of after) ticks += value - (before.get(key) ?? 0);
  return ticks;
}

export interface OutsideCpu {
  sample(): void;
  /** CPU of processes outside the bench since the first sample, in % of one core. */
  percent(): number;
}

export function createOutsideCpu(root: number, ticksPerSecond: number): OutsideCpu {
  let first: number | null = null;
  let last: number | null = null;
  let previous: Map<string, number> | null = null;
  let ticks = 0;
  return {
    sample() {
      const stats = readAllStats();
      const now = outsideTicks(stats, new Set(treeOf(root, stats)));
      const at = performance.now();
      if (previous !== null) ticks += ticksBetween(previous, now);
      else first = at;
      previous = now;
      last = at;
    },
    percent() {
      if (first === null || last === null || last <= first) return Number.NaN;
      return ((ticks * 1000) / ticksPerSecond / (last - first)) * 100;
    },
  };
}
