/**
 * One setup serving one example in the swaps scenario: the open-loop client at a fixed
 * rate through `reloads` edits of the version constant (each waits for the new version
 * to be served, as the client sees it), the tool's RSS sampled meanwhile; then, with the
 * client stopped, one more swap with a slow request in flight and an SSE stream open.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, waitServed } from "./http-poll.ts";
import type { RequestRecord } from "./open-loop.ts";
import { createOutsideCpu } from "./outside-cpu.ts";
import { clockTicks, readRssKb } from "./proc-stat.ts";
import { saveInPlace } from "./projects.ts";
import { readSse, type StreamEnd } from "./sse-reader.ts";
import type { ExampleCase, Setup } from "./swap-setups.ts";
import { attachBuilds, buildEnds, type SwapWindow } from "./swap-windows.ts";
import { startTool, waitUntil } from "./tool-process.ts";

export interface SessionPlan {
  top: string;
  rate: number;
  reloads: number;
  timeoutMs: number;
  /** Steady time before the first edit and after each new version is served. */
  leadMs: number;
  gapMs: number;
  /** The in-flight request's length, and whether to run the probe at all. */
  slowMs: number | null;
  /** How long after the edit the probe waits for the SSE stream to end. */
  sseWaitMs: number;
  log(message: string): void;
}

export interface ProbeResult {
  /** From the edit to the first answer of the new version. */
  servedAfterMs: number;
  slow: { status: number; version: string | null; ms: number } | { error: string; ms: number };
  sse: { before: number; after: number; newVersion: number; end: StreamEnd; editAt: number };
}

export interface SessionResult {
  records: RequestRecord[];
  windows: SwapWindow[];
  rssPeakMb: number;
  /** CPU of processes outside the bench during the load, % of one core (outside-cpu.ts). */
  outsideCpuPercent: number;
  probe: ProbeResult | null;
  /** The tool's stdout lines (hotreload's `--json` events among them), for a closer look. */
  toolLines: string[];
}

const now = () => performance.timeOrigin + performance.now();

export async function runSession(
  kase: ExampleCase,
  setup: Setup,
  plan: SessionPlan,
): Promise<SessionResult> {
  const port = freePort();
  using project = kase.make(setup.proxy ? freePort() : port);
  await using tool = setup.start(project, port);
  const base = `http://127.0.0.1:${port}`;
  const failWith = (error: unknown): never => {
    throw new Error(`${String(error)}\n  tool output:\n${tool.tail()}`);
  };
  await waitServed(`${base}/`, "version 1.0.0\n", kase.firstServeMs).catch(failWith);
  // Let the tool finish its start-up scan (hotreload hashes the tree) before measuring.
  await Bun.sleep(500);

  const recordsFile = join(project.base, "records.json");
  const client = startTool(
    [
      process.execPath,
      join(plan.top, "scripts", "bench", "proc-open-loop.ts"),
      `${base}/`,
      String(plan.rate),
      String(plan.timeoutMs),
      recordsFile,
    ],
    { cwd: plan.top },
  );
  const windows: SwapWindow[] = [];
  let rssPeakKb = 0;
  const outside = createOutsideCpu(process.pid, clockTicks());
  outside.sample();
  const sampler = setInterval(() => {
    rssPeakKb = Math.max(rssPeakKb, readRssKb(tool.pid) ?? 0);
    outside.sample();
  }, 250);
  try {
    await client.waitLine("stdout", /^STARTED /, 15_000);
    await Bun.sleep(plan.leadMs);
    for (let i = 1; i <= plan.reloads; i++) {
      const version = `2.0.${i}`;
      const from = client.stdout.length;
      const editAt = now();
      saveInPlace(project.versionFile, project.withVersion(version));
      const seen = await client
        .waitLine("stdout", (l) => l.startsWith(`SEEN ${version} `), 120_000, from)
        .catch(failWith);
      windows.push({ editAt, servedAt: Number(seen.text.split(" ")[2]) });
      if (i % 20 === 0) plan.log(`swaps: ${kase.id} ${setup.id}: ${i}/${plan.reloads} reloads`);
      await Bun.sleep(plan.gapMs);
    }
  } finally {
    clearInterval(sampler);
    outside.sample();
    await client.stop(plan.timeoutMs + 5000);
  }
  const records = JSON.parse(readFileSync(recordsFile, "utf8")) as RequestRecord[];
  const probe =
    plan.slowMs === null
      ? null
      : await runProbe(base, project, plan.slowMs, plan.sseWaitMs).catch(failWith);
  const toolLines = tool.stdout.map((l) => l.text);
  const built = attachBuilds(windows, buildEnds(toolLines));
  return {
    records,
    windows: built,
    rssPeakMb: rssPeakKb / 1024,
    outsideCpuPercent: outside.percent(),
    probe,
    toolLines,
  };
}

/** A swap with `/slow?ms=…` in flight and `/events` open, nothing else running. */
async function runProbe(
  base: string,
  project: { versionFile: string; withVersion(v: string): string },
  slowMs: number,
  sseWaitMs: number,
): Promise<ProbeResult> {
  const sse = await readSse(`${base}/events`);
  const slowStart = now();
  const slow = fetch(`${base}/slow?ms=${slowMs}`, { signal: AbortSignal.timeout(slowMs + 60_000) })
    .then(async (r) => {
      const text = await r.text();
      return {
        status: r.status,
        version: /version (\S+)/.exec(text)?.[1] ?? null,
        ms: now() - slowStart,
      };
    })
    .catch((error: unknown) => ({ error: shortError(error), ms: now() - slowStart }));
  await waitUntil(() => sse.events.length >= 2, "two SSE events before the swap", 10_000, 5);
  const editAt = now();
  const version = "3.0.0";
  saveInPlace(project.versionFile, project.withVersion(version));
  const served = await waitServed(`${base}/`, `version ${version}\n`, 120_000);
  const servedAt = performance.timeOrigin + served.at;
  const end = await sse.ended(editAt + sseWaitMs);
  const events = sse.events;
  return {
    servedAfterMs: servedAt - editAt,
    slow: await slow,
    sse: {
      before: events.filter((e) => e.at < editAt).length,
      after: events.filter((e) => e.at >= editAt).length,
      newVersion: events.filter((e) => e.text.includes(`version ${version} `)).length,
      end,
      editAt,
    },
  };
}

/** "TypeError: ECONNRESET: The socket connection was closed unexpectedly. For more…" → its first sentence. */
export function shortError(error: unknown): string {
  const text = String(error).split("\n")[0] ?? "";
  return /^(?:\w*Error: )?(.*?\.)(?:\s|$)/.exec(text)?.[1] ?? text;
}
