/**
 * What the swaps scenario makes of the load client's records: each request is either in a
 * swap window (from an edit to the first answer of the new version, plus a margin) or in
 * steady state; each class gets its failures (by kind) and latency figures, and the
 * issue's targets are checked against them. Pure: unit-tested in
 * tests/unit/bench-swap-windows.test.ts.
 */
import { percentile } from "../bench-stats.ts";
import type { RequestRecord } from "./open-loop.ts";

export interface SwapWindow {
  /** When the edit was written (epoch ms). */
  editAt: number;
  /** When the first answer of the new version arrived (epoch ms). */
  servedAt: number;
  /** When hotreload's build for this edit finished (its `build.finished` event), if known. */
  builtAt?: number;
}

/** The first time in `buildEnds` inside each window becomes its `builtAt`. */
export function attachBuilds(windows: readonly SwapWindow[], buildEnds: readonly number[]) {
  return windows.map((w) => {
    const builtAt = buildEnds.find((t) => t >= w.editAt && t <= w.servedAt);
    return builtAt === undefined ? { ...w } : { ...w, builtAt };
  });
}

/** The swap proper: from the build's end (or the edit, without one) to the new version. */
export const afterBuild = (windows: readonly SwapWindow[]): SwapWindow[] =>
  windows.map((w) => ({ editAt: w.builtAt ?? w.editAt, servedAt: w.servedAt }));

/** `build.finished` times (ok builds) in hotreload's `--json` lines; other lines are skipped. */
export function buildEnds(lines: readonly string[]): number[] {
  const ends: number[] = [];
  for (const line of lines) {
    if (!line.startsWith("{")) continue;
    try {
      const event = JSON.parse(line) as { type?: string; ok?: boolean; time?: number };
      if (event.type === "build.finished" && event.ok === true && typeof event.time === "number")
        ends.push(event.time);
    } catch (error) {
      // A line of the app's own output that happens to start with "{": not an event.
      if (!(error instanceof SyntaxError)) throw error;
    }
  }
  return ends;
}

/** True when the request's life [due, end] overlaps [editAt, servedAt + margin]. */
export function inWindow(record: RequestRecord, window: SwapWindow, marginMs: number): boolean {
  return record.at <= window.servedAt + marginMs && record.end >= window.editAt;
}

/** Splits records into those that overlap any swap window and the steady rest. */
export function classify(
  records: readonly RequestRecord[],
  windows: readonly SwapWindow[],
  marginMs: number,
): { steady: RequestRecord[]; swap: RequestRecord[] } {
  const sorted = [...windows].sort((a, b) => a.editAt - b.editAt);
  const steady: RequestRecord[] = [];
  const swap: RequestRecord[] = [];
  for (const record of records)
    (sorted.some((w) => inWindow(record, w, marginMs)) ? swap : steady).push(record);
  return { steady, swap };
}

export interface ClassSummary {
  total: number;
  /** Connection errors, non-2xx answers and timeouts, each counted once. */
  failed: number;
  connection: number;
  non2xx: number;
  timeouts: number;
  /** Latency from due to end of the 2xx answers, ms (NaN when there are none). */
  p50: number;
  p99: number;
  max: number;
}

export const isFailure = (r: RequestRecord) => r.error !== null || r.status < 200 || r.status > 299;

export function summarize(records: readonly RequestRecord[]): ClassSummary {
  const answered = records.filter((r) => !isFailure(r)).map((r) => r.end - r.at);
  const connection = records.filter((r) => r.error === "connection").length;
  const timeouts = records.filter((r) => r.error === "timeout").length;
  const non2xx = records.filter((r) => r.error === null && isFailure(r)).length;
  return {
    total: records.length,
    failed: connection + timeouts + non2xx,
    connection,
    non2xx,
    timeouts,
    p50: percentile(answered, 50),
    p99: percentile(answered, 99),
    max: answered.length > 0 ? Math.max(...answered) : Number.NaN,
  };
}

/** Issue 14: with overlap no request waits for a swap: slowest ≤ 2 × steady p99 + 20 ms. */
export function slowestBound(steadyP99: number): number {
  return 2 * steadyP99 + 20;
}

export type Verdict = { met: boolean; text: string } | null;

/** 0 failed requests over the reloads (null when nothing was measured). */
export function zeroFailures(all: ClassSummary | null, reloads: number): Verdict {
  if (all === null || all.total === 0) return null;
  return {
    met: all.failed === 0,
    text: `${all.failed} of ${all.total} requests failed over ${reloads} reloads`,
  };
}

export function noWait(steady: ClassSummary | null, swap: ClassSummary | null): Verdict {
  if (
    steady === null ||
    swap === null ||
    !Number.isFinite(steady.p99) ||
    !Number.isFinite(swap.max)
  )
    return null;
  const bound = slowestBound(steady.p99);
  return {
    met: swap.max <= bound && swap.failed === 0,
    text: `slowest ${swap.max.toFixed(1)} ms vs 2 × ${steady.p99.toFixed(1)} + 20 = ${bound.toFixed(1)} ms${swap.failed > 0 ? `; ${swap.failed} failed` : ""}`,
  };
}

export const verdictText = (verdict: Verdict) =>
  verdict === null
    ? "**not measured**"
    : `**${verdict.met ? "met" : "not met"}** (${verdict.text})`;
