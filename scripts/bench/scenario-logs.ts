/**
 * Log throughput (issue 5, item 8): a child writes 80-character lines as fast as the pipe
 * takes them; through hotreload to a reader that keeps up, to /dev/null and to a slow
 * reader; beside the same child read directly. Measures MB/s, hotreload's RSS (sampled
 * every 100 ms) and CPU, and the latency of timestamped lines, idle and under load.
 */
import { join } from "node:path";
import { percentile } from "../bench-stats.ts";
import { fmt, hotreloadEnv, type RunDir, runDir, supervisorArgv } from "./proc-hotreload.ts";
import { scanStamps } from "./proc-stamps.ts";
import { clockTicks, readAllStats, readCpuMs, readRssKb } from "./proc-stat.ts";
import { startTool, type ToolProcess, waitUntil } from "./tool-process.ts";
import type { BenchContext, Scenario, Section, Table } from "./types.ts";

const WRITER = join(import.meta.dir, "proc-log-writer.ts");
/** A reader of about 1.2 MB/s: 64 KiB every 50 ms. */
const SLOW_READER =
  'while :; do n=$(head -c 65536 | wc -c); [ "$n" -eq 0 ] && break; sleep 0.05; done';
/** Above this RSS a case is stopped early: growth without bound is the finding. */
const RSS_CAP_MB = 1500;

type Case = "direct" | "reader" | "devnull" | "slow";
const LABELS: Record<Case, string> = {
  direct: "child read directly (floor)",
  reader: "hotreload → reader that keeps up",
  devnull: "hotreload → /dev/null",
  slow: "hotreload → slow reader (~1.2 MB/s)",
};

interface Outcome {
  wroteMBps: number;
  readMBps: number | null;
  pings: number[];
  loadLags: number[];
  rss: { start: number; quarter: number; peak: number; end: number } | null;
  cpuPct: number | null;
  capped: boolean;
  cappedAfterMs: number;
}

/** Reads a byte stream, counting bytes and timing `TS <epoch>` lines. */
function consume(stream: ReadableStream<Uint8Array>, pings: number) {
  const state = { bytes: 0, stamps: [] as number[], floodAt: 0, floodBytes: 0, lastAt: 0 };
  const decoder = new TextDecoder();
  let carry = "";
  const done = (async () => {
    for await (const chunk of stream) {
      const now = performance.timeOrigin + performance.now();
      // The flood starts after the pings: count its bytes from the chunk that ends them.
      if (state.floodAt === 0 && state.stamps.length >= pings) {
        state.floodAt = now;
        state.floodBytes = state.bytes;
      }
      state.bytes += chunk.length;
      state.lastAt = now;
      const scan = scanStamps(carry + decoder.decode(chunk, { stream: true }), now);
      state.stamps.push(...scan.lags);
      carry = scan.carry;
    }
  })();
  return { state, done };
}

function hotreloadPid(run: ToolProcess, viaShell: boolean): number | null {
  if (!viaShell) return run.pid;
  const kid = readAllStats().find((s) => s.ppid === run.pid && s.comm !== "sh");
  return kid?.pid ?? null;
}

async function runCase(ctx: BenchContext, dir: RunDir, kind: Case, pings: number, seconds: number) {
  const writer = [process.execPath, WRITER, String(pings), String(seconds)];
  const hot = supervisorArgv(ctx.top, dir.root, writer.map((a) => `'${a}'`).join(" "));
  const argv =
    kind === "direct"
      ? writer
      : kind === "slow"
        ? ["sh", "-c", `"$0" "$@" | { ${SLOW_READER}; }`, ...hot]
        : hot;
  await using run = startTool(argv, {
    cwd: dir.root,
    env: hotreloadEnv(dir.path),
    stdout: kind === "devnull" ? "ignore" : "raw",
  });
  const reading =
    kind === "direct" || kind === "reader"
      ? consume(run.proc.stdout as ReadableStream<Uint8Array>, pings)
      : null;
  const viaShell = kind === "slow";
  await waitUntil(() => hotreloadPid(run, viaShell) !== null, "hotreload pid", 10_000);
  const target = hotreloadPid(run, viaShell) as number;
  const samples: number[] = [];
  let capped = false;
  let cappedAfterMs = 0;
  let floodAt = performance.now();
  const sampler = setInterval(() => {
    const kb = readRssKb(target);
    if (kb === null) return;
    samples.push(kb / 1024);
    if (kb / 1024 > RSS_CAP_MB && !capped) {
      capped = true;
      cappedAfterMs = performance.now() - floodAt;
    }
  }, 100);
  const ticks = clockTicks();
  try {
    await run.waitLine("stderr", (t) => t === "FLOOD", 30_000);
    samples.length = 0;
    floodAt = performance.now();
    const cpu0 = readCpuMs(target, ticks);
    const t0 = performance.now();
    const deadline = 10_000 + seconds * 3000;
    const wroteLine = () => run.stderr.find((l) => l.text.startsWith("WROTE "));
    await waitUntil(() => capped || wroteLine() !== undefined, "the child's WROTE line", deadline);
    const wrote = capped ? null : wroteLine();
    const cpu1 = readCpuMs(target, ticks);
    const wall = performance.now() - t0;
    const [, bytes, ms] = wrote ? wrote.text.split(" ") : ["", "0", "1"];
    const wroteMBps = Number(bytes) / 2 ** 20 / (Number(ms) / 1000);
    await Bun.sleep(200);
    const state = reading?.state;
    const floodStamps = state ? state.stamps.slice(pings) : [];
    const quarter = samples[Math.floor(samples.length / 4)] ?? Number.NaN;
    return {
      wroteMBps: capped ? Number.NaN : wroteMBps,
      readMBps: state
        ? (state.bytes - state.floodBytes) / 2 ** 20 / ((state.lastAt - state.floodAt) / 1000)
        : null,
      pings: state ? state.stamps.slice(0, pings) : [],
      loadLags: floodStamps,
      rss:
        kind === "direct" || samples.length === 0
          ? null
          : {
              start: samples[0] ?? 0,
              quarter,
              peak: Math.max(...samples),
              end: samples.at(-1) ?? 0,
            },
      cpuPct:
        kind === "direct" || cpu0 === null || cpu1 === null ? null : ((cpu1 - cpu0) / wall) * 100,
      capped,
      cappedAfterMs,
    } satisfies Outcome;
  } finally {
    clearInterval(sampler);
    await run.stop(3000);
    await reading?.done;
  }
}

async function run(ctx: BenchContext): Promise<Section> {
  const seconds = ctx.short ? 1 : 10;
  const pings = ctx.short ? 5 : 20;
  using dir = runDir("logs");
  const notes: string[] = [];
  let ok = true;
  const throughput: Table = {
    columns: [
      "case",
      "child wrote",
      "reader got",
      "hotreload CPU",
      "RSS start / ¼ / peak / end of flood",
    ],
    rows: [],
  };
  const latency: Table = {
    title: "Latency of a line, child write → reader",
    columns: ["case", "first line", `idle p50 / p90 (n=${pings})`, "under load p50 / p90 / max"],
    rows: [],
  };
  for (const kind of ["direct", "reader", "devnull", "slow"] as Case[]) {
    ctx.log(`logs: ${LABELS[kind]} for ${seconds} s`);
    try {
      const o = await runCase(ctx, dir, kind, pings, seconds);
      const rss = o.rss;
      throughput.rows.push([
        LABELS[kind],
        o.capped ? `stopped at ${RSS_CAP_MB} MB RSS` : fmt.mbps(o.wroteMBps),
        o.readMBps === null ? "—" : fmt.mbps(o.readMBps),
        o.cpuPct === null ? "—" : fmt.pct(o.cpuPct),
        rss
          ? `${[rss.start, rss.quarter, rss.peak, rss.end].map((v) => v.toFixed(0)).join(" / ")} MB`
          : "—",
      ]);
      if (o.pings.length > 0) {
        const p = (xs: number[], q: number) => fmt.ms(percentile(xs, q));
        latency.rows.push([
          LABELS[kind],
          fmt.ms(o.pings[0] as number),
          `${p(o.pings, 50)} / ${p(o.pings, 90)}`,
          o.loadLags.length > 0
            ? `${p(o.loadLags, 50)} / ${p(o.loadLags, 90)} / ${fmt.ms(Math.max(...o.loadLags))}`
            : "—",
        ]);
      }
      if (rss && (o.capped || (rss.end > rss.quarter * 1.5 && rss.end - rss.quarter > 50)))
        notes.push(
          `**Memory grows with output** (${LABELS[kind]}): RSS ${rss.quarter.toFixed(0)} MB a quarter into the run, ${rss.end.toFixed(0)} MB at the end, peak ${rss.peak.toFixed(0)} MB${o.capped ? `; stopped above ${RSS_CAP_MB} MB, ${(o.cappedAfterMs / 1000).toFixed(1)} s into the flood` : ""}. Issue 5 asks for bounded memory.`,
        );
    } catch (error) {
      ok = false;
      notes.push(`${LABELS[kind]} could not be measured: ${String(error)}`);
    }
  }
  return {
    title: "Log throughput",
    intro: [
      `A Bun child (\`scripts/bench/proc-log-writer.ts\`) writes 80-character lines with blocking writes for ${seconds} s, as fast as its stdout takes them, plus a \`TS <epoch>\` line every 100 ms; before that, ${pings} timestamped lines 20 ms apart.`,
      "*child wrote* is what the child got into the pipe (so what hotreload accepted); *reader got* is what arrived on hotreload's stdout.",
      "CPU and RSS are hotreload's own process, from the child's `FLOOD` line on; RSS (VmRSS) is sampled every 100 ms: at the start of the flood, a quarter in, the peak and the end.",
      "Latency is the reader's arrival time minus the child's timestamp (same machine clock).",
    ].join(" "),
    tables: [throughput, latency],
    notes,
    ok,
  };
}

export const scenario: Scenario = { order: 50, id: "logs", run };
