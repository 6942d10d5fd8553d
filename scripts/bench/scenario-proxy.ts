/**
 * The proxy stage's cost per request (issue 14, item 8): the same app (1 KB answers) hit
 * directly and through hotreload's proxy, by wrk over keep-alive connections. Latency
 * with one connection (the overhead a developer feels), throughput with 16 (the ceiling
 * on this machine, where wrk, proxy and app share the cores), the proxy's RSS after it.
 * Targets: ≤ 0.3 ms added at p50; throughput ≥ 0.5× direct.
 */
import { availableParallelism, loadavg } from "node:os";
import { median } from "../bench-stats.ts";
import { clockTicks, readCpuMs, readRssKb } from "./proc-stat.ts";
import { startTool, type ToolProcess } from "./tool-process.ts";
import type { BenchContext, Scenario, Section } from "./types.ts";
import { findWrk, runWrk, type WrkResult } from "./wrk.ts";

export const scenario: Scenario = { order: 90, id: "proxy", run };

export const OVERHEAD_TARGET_US = 300;
export const THROUGHPUT_TARGET = 0.5;

async function listening(
  context: BenchContext,
  args: string[],
): Promise<{ proc: ToolProcess; port: number }> {
  const proc = startTool([process.execPath, "scripts/bench/proc-proxy.ts", ...args], {
    cwd: context.top,
  });
  const line = await proc.waitLine("stdout", /^PORT \d+$/, 15_000);
  return { proc, port: Number(line.text.slice(5)) };
}

async function run(context: BenchContext): Promise<Section> {
  const wrk = await findWrk();
  const title = "Proxy overhead and throughput";
  if (!wrk)
    return {
      title,
      intro: "Needs wrk (`apt-get install wrk`; .ci/run installs it).",
      tables: [],
      notes: ["wrk was not found: nothing measured."],
      ok: false,
    };
  const rounds = context.short ? 1 : 3;
  const seconds = context.short ? 1 : 5;
  const loadBefore = loadavg()[0] ?? Number.NaN;
  const app = await listening(context, ["app"]);
  const proxy = await listening(context, ["proxy", String(app.port)]);
  const samples = { direct: [] as WrkResult[], proxy: [] as WrkResult[] };
  const throughput = { direct: [] as WrkResult[], proxy: [] as WrkResult[] };
  let rssMb = Number.NaN;
  const ticks = clockTicks();
  const cpu = (pid: number) => readCpuMs(pid, ticks) ?? Number.NaN;
  /** CPU µs per request of the app and of the proxy, from the 16-connection runs. */
  const cpuPerRequest = { app: [] as number[], proxy: [] as number[] };
  try {
    for (let round = 0; round < rounds; round++)
      for (const [path, port] of [
        ["direct", app.port],
        ["proxy", proxy.port],
      ] as const) {
        context.log(`proxy: round ${round + 1}/${rounds}: ${path}`);
        const url = `http://127.0.0.1:${port}/`;
        samples[path].push(await runWrk(wrk, url, { threads: 1, connections: 1, seconds }));
        const before = { app: cpu(app.proc.pid), proxy: cpu(proxy.proc.pid) };
        const result = await runWrk(wrk, url, { threads: 2, connections: 16, seconds });
        throughput[path].push(result);
        if (path === "proxy") {
          cpuPerRequest.app.push(((cpu(app.proc.pid) - before.app) * 1000) / result.requests);
          cpuPerRequest.proxy.push(((cpu(proxy.proc.pid) - before.proxy) * 1000) / result.requests);
        }
      }
    rssMb = (readRssKb(proxy.proc.pid) ?? Number.NaN) / 1024;
  } finally {
    await proxy.proc.stop();
    await app.proc.stop();
  }
  const p50 = (path: keyof typeof samples) => median(samples[path].map((r) => r.p50));
  const p99 = (path: keyof typeof samples) => median(samples[path].map((r) => r.p99));
  const rps = (path: keyof typeof samples) =>
    median(throughput[path].map((r) => r.requestsPerSecond));
  const errors = [...samples.proxy, ...throughput.proxy].reduce((sum, r) => sum + r.errors, 0);
  const overhead = p50("proxy") - p50("direct");
  const ratio = rps("proxy") / rps("direct");
  const verdict = (met: boolean, text: string) => `**${met ? "met" : "not met"}** (${text})`;
  return {
    title,
    intro: [
      "The same app (Bun.serve answering 1 KB) measured directly and through hotreload's proxy",
      `stage (src/proxy/), with wrk over keep-alive connections: latency with 1 connection,`,
      `throughput with 16 connections on 2 threads; ${rounds} rounds of ${seconds} s each,`,
      "alternating, medians shown. wrk, proxy and app share this machine's cores.",
    ].join("\n"),
    tables: [
      {
        columns: ["Path", "p50 (µs)", "p99 (µs)", "req/s (16 connections)"],
        rows: (["direct", "proxy"] as const).map((path) => [
          path === "direct" ? "direct to the app" : "through the proxy",
          p50(path).toFixed(0),
          p99(path).toFixed(0),
          rps(path).toFixed(0),
        ]),
      },
    ],
    notes: [
      `Added latency at p50: ${overhead.toFixed(0)} µs; target ≤ ${OVERHEAD_TARGET_US} µs: ${verdict(overhead <= OVERHEAD_TARGET_US, `${overhead.toFixed(0)} µs`)}.`,
      `Throughput through the proxy: ${ratio.toFixed(2)}× direct; target ≥ ${THROUGHPUT_TARGET}×: ${verdict(ratio >= THROUGHPUT_TARGET, `${ratio.toFixed(2)}×`)}.`,
      `CPU per request through the proxy: the app ${median(cpuPerRequest.app).toFixed(0)} µs, the proxy ${median(cpuPerRequest.proxy).toFixed(0)} µs. The proxy is a server and a client for each request, so with a trivial app it costs more than the app itself; on a machine whose cores are all busy that sets the throughput ratio, and an app that does real work per request loses proportionally less.`,
      `Proxy RSS after the load: ${rssMb.toFixed(0)} MB. Failed requests through the proxy: ${errors}.`,
      `Load average when the runs started: ${loadBefore.toFixed(1)} on ${availableParallelism()} cores (other work shares them; all figures move with it).`,
    ],
    ok: Number.isFinite(overhead) && Number.isFinite(ratio) && errors === 0,
  };
}
