/**
 * Zero-downtime swaps, measured (issue 14, item 8): both examples served by the floor, by
 * hotreload without its proxy, and by the proxy with `swap: overlap` and `stop_first`,
 * under an open-loop load at a fixed rate through N reloads each, in one run. Then one
 * more swap per setup with a 5 s request in flight and an SSE stream open.
 */
import { availableParallelism, loadavg } from "node:os";
import { median } from "../bench-stats.ts";
import { realGoCache } from "./projects.ts";
import { runSession, type SessionResult } from "./swap-session.ts";
import { type ExampleCase, exampleCases, type Setup, swapSetups } from "./swap-setups.ts";
import {
  afterBuild,
  type ClassSummary,
  classify,
  noWait,
  summarize,
  type Verdict,
  verdictText,
  zeroFailures,
} from "./swap-windows.ts";
import type { BenchContext, Scenario, Section, Table } from "./types.ts";

export const scenario: Scenario = { order: 95, id: "swaps", run };

/** After the first answer of the new version, requests still count as in the swap window. */
export const WINDOW_MARGIN_MS = 250;

interface Measured {
  all: ClassSummary;
  steady: ClassSummary;
  swap: ClassSummary;
  /** The swap windows cut to the swap proper (from the build's end); null without builds. */
  proper: ClassSummary | null;
  session: SessionResult;
}

async function run(context: BenchContext): Promise<Section> {
  const short = context.short;
  const rate = short ? 100 : 200;
  const reloads = short ? 2 : 100;
  const drainTimeout = short ? "2s" : "10s";
  const slowMs = short ? 1000 : 5000;
  const timeoutMs = 10_000;
  const gapMs = short ? 300 : 500;
  const loadAtStart = loadavg();
  const cases = exampleCases(context.top, await realGoCache());
  const setups = swapSetups(context.top, { drainTimeout });
  const results = new Map<string, Measured>();
  const errors: string[] = [];
  for (const kase of cases)
    for (const setup of setups) {
      context.log(`swaps: ${kase.id} ${setup.id}: ${reloads} reloads at ${rate} req/s`);
      try {
        const session = await runSession(kase, setup, {
          top: context.top,
          rate,
          reloads,
          timeoutMs,
          leadMs: short ? 500 : 2000,
          gapMs,
          // Short mode (CI) probes the Bun server only: the Go one adds builds, not checks.
          slowMs: short && kase.id === "go" ? null : slowMs,
          sseWaitMs: (short ? 2000 : 10_000) + 5000,
          log: context.log,
        });
        const { steady, swap } = classify(session.records, session.windows, WINDOW_MARGIN_MS);
        const proper = session.windows.some((w) => w.builtAt !== undefined)
          ? summarize(classify(swap, afterBuild(session.windows), WINDOW_MARGIN_MS).swap)
          : null;
        results.set(`${kase.id}/${setup.id}`, {
          all: summarize(session.records),
          steady: summarize(steady),
          swap: summarize(swap),
          proper,
          session,
        });
      } catch (error) {
        errors.push(`${kase.title}, ${setup.label}: ${String(error).split("\n")[0]}`);
        context.log(`swaps: ${String(error)}`);
      }
    }
  const loadAtEnd = loadavg();
  return report({
    cases,
    setups,
    results,
    errors,
    rate,
    reloads,
    timeoutMs,
    gapMs,
    slowMs,
    drainTimeout,
    loadAtStart,
    loadAtEnd,
  });
}

const ms = (v: number) => (Number.isFinite(v) ? (v >= 100 ? v.toFixed(0) : v.toFixed(1)) : "–");

function failedCell(s: ClassSummary): string {
  if (s.failed === 0) return `0 / ${s.total}`;
  const kinds = [
    s.connection > 0 ? `${s.connection} conn` : "",
    s.non2xx > 0 ? `${s.non2xx} non-2xx` : "",
    s.timeouts > 0 ? `${s.timeouts} timeout` : "",
  ].filter(Boolean);
  return `${s.failed} / ${s.total} (${kinds.join(", ")})`;
}

function loadTable(kase: ExampleCase, setups: Setup[], results: Map<string, Measured>): Table {
  return {
    title: `${kase.title}: requests through the reloads (latency in ms)`,
    columns: [
      "Setup",
      "Reloads",
      "Failed / requests",
      "Steady p50",
      "Steady p99",
      "Swap-window requests",
      "Swap p50",
      "Swap p99",
      "Swap slowest",
      "Slowest after the build",
      "Edit → served p50",
      "Tool RSS peak (MB)",
      "Other processes' CPU (%)",
    ],
    rows: setups.map((setup) => {
      const m = results.get(`${kase.id}/${setup.id}`);
      if (!m) return [setup.label, "failed", ...Array.from({ length: 11 }, () => "–")];
      const served = m.session.windows.map((w) => w.servedAt - w.editAt);
      return [
        setup.label,
        String(m.session.windows.length),
        failedCell(m.all),
        ms(m.steady.p50),
        ms(m.steady.p99),
        String(m.swap.total),
        ms(m.swap.p50),
        ms(m.swap.p99),
        ms(m.swap.max),
        m.proper ? ms(m.proper.max) : "–",
        ms(median(served)),
        m.session.rssPeakMb.toFixed(0),
        Number.isFinite(m.session.outsideCpuPercent) ? m.session.outsideCpuPercent.toFixed(0) : "–",
      ];
    }),
  };
}

function probeRows(cases: ExampleCase[], setups: Setup[], results: Map<string, Measured>) {
  const rows: string[][] = [];
  for (const kase of cases)
    for (const setup of setups) {
      const probe = results.get(`${kase.id}/${setup.id}`)?.session.probe;
      if (!probe) continue;
      const slow =
        "error" in probe.slow
          ? `failed after ${ms(probe.slow.ms)} ms (${probe.slow.error})`
          : `${probe.slow.status}${probe.slow.status === 200 ? " ✓" : ""}, v${probe.slow.version}, ${ms(probe.slow.ms)} ms`;
      const end = probe.sse.end;
      const ended =
        end.how === "open"
          ? "still open at the deadline"
          : `${end.how === "clean" ? "ended cleanly" : "cut"} ${((end.at - probe.sse.editAt) / 1000).toFixed(1)} s after the edit`;
      rows.push([
        `${kase.title}, ${setup.label}`,
        ms(probe.servedAfterMs),
        slow,
        String(probe.sse.after),
        String(probe.sse.newVersion),
        ended,
      ]);
    }
  return rows;
}

interface ReportInput {
  cases: ExampleCase[];
  setups: Setup[];
  results: Map<string, Measured>;
  errors: string[];
  rate: number;
  reloads: number;
  timeoutMs: number;
  gapMs: number;
  slowMs: number;
  drainTimeout: string;
  loadAtStart: number[];
  loadAtEnd: number[];
}

function report(input: ReportInput): Section {
  const { cases, setups, results, rate, reloads } = input;
  const get = (kase: string, setup: string) => results.get(`${kase}/${setup}`) ?? null;
  const targets: string[] = [];
  for (const setup of ["overlap", "stop-first"])
    for (const kase of cases) {
      const m = get(kase.id, setup);
      targets.push(
        `- 0 failed requests, ${kase.title}, ${setup}: ${verdictText(zeroFailures(m?.all ?? null, m?.session.windows.length ?? 0))}`,
      );
    }
  const waits: Verdict[] = [];
  for (const kase of cases) {
    const m = get(kase.id, "overlap");
    const verdict = noWait(m?.steady ?? null, m?.swap ?? null);
    waits.push(verdict);
    targets.push(
      `- overlap, ${kase.title}: slowest request in swap windows ≤ 2 × steady p99 + 20 ms: ${verdictText(verdict)}`,
    );
    if (m?.proper)
      targets.push(
        `  - the same from the build's end (the build's CPU use left out): ${verdictText(noWait(m.steady, m.proper))}`,
      );
  }
  const load = (l: number[]) => l.map((v) => v.toFixed(1)).join(" / ");
  const tables: Table[] = cases.map((kase) => loadTable(kase, setups, results));
  const probes = probeRows(cases, setups, results);
  if (probes.length > 0)
    tables.push({
      title: `One more swap with a /slow?ms=${input.slowMs} request in flight and /events open (no load)`,
      columns: [
        "Setup",
        "Edit → served (ms)",
        "In-flight request",
        "SSE events after the edit",
        "of them from the new version",
        "SSE stream",
      ],
      rows: probes,
    });
  const notes = [
    `Targets (issue 14):\n\n${targets.join("\n")}`,
    `Load average (1 / 5 / 15 min) at the start: ${load(input.loadAtStart)}, at the end: ${load(input.loadAtEnd)}, on ${availableParallelism()} cores. The machine is shared with other work while this runs; every figure moves with it.`,
    ...(input.errors.length > 0
      ? [`Failed sessions:\n\n${input.errors.map((e) => `- ${e}`).join("\n")}`]
      : []),
  ];
  const expected = cases.length * setups.length;
  return {
    title: "Requests across swaps",
    intro: [
      `Each setup serves each example on one loopback port while a load client sends`,
      `\`GET /\` at a fixed ${rate} requests/s and the version constant is edited ${reloads} times`,
      "(in place; each edit waits until the client gets an answer naming the new version, then",
      `${input.gapMs} ms of steady state). The client is open-loop, written in Bun (scripts/bench/proc-open-loop.ts):`,
      "a 1 ms timer sends every request that is due on the schedule, whether or not earlier ones",
      "have answered, over fetch's keep-alive pool (a handful of connections at this rate; more open",
      "when answers stall), and latency counts from when a request was due, so a stall is never",
      "hidden. wrk is closed-loop (a stalled server slows it down, hiding the stall) and autocannon's",
      "rate limit is per connection with at most one request in flight on each, so neither keeps a",
      `fixed rate through a swap. A request fails on a connection error, a non-2xx answer or no`,
      `answer within ${input.timeoutMs / 1000} s. It is in a swap window when its life overlaps the time from an edit to`,
      `the first answer of the new version plus ${WINDOW_MARGIN_MS} ms; the rest is steady state; latencies are of the`,
      "2xx answers. The floor and hotreload without the proxy serve on a fixed port (the floor kills,",
      "then builds; hotreload builds beside the old server, then stops it and starts the new one); the",
      "proxy setups give each instance its own port and health-check /health every 100 ms before",
      `traffic moves (drain_timeout ${input.drainTimeout}). Tool RSS: the tool's own process (hotreload, or the floor's`,
      "loop), not the app, sampled every 250 ms from /proc during the load. Other processes' CPU: what",
      "processes outside the benchmark (other work on this shared machine, kernel threads) used during",
      "the load, in % of one core (scripts/bench/outside-cpu.ts): when it is high, the tail latencies",
      'say more about the machine than about the tool. "Slowest after the build":',
      "the swap windows cut to start when hotreload's build finished (its `build.finished` event), so",
      "what remains is the swap itself — start, health check, switch, drain — without the build",
      "sharing the two cores with the app and the client (the Bun server runs from source: no build).",
    ].join("\n"),
    tables,
    notes,
    ok: results.size === expected && waits.every((w) => w !== null),
  };
}
