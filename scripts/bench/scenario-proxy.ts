/**
 * The proxy stage's cost per request (issue 14, item 8): the two examples (examples/bun-server
 * and examples/go-server, as they are: each logs a line per request) and a Bun.serve
 * answering 1 KB (the cheapest app there is, so the proxy's share is as large as it gets:
 * the worst case) — hit directly, through a bare TCP pipe on Bun's sockets (the ceiling of
 * any proxy written on them: bytes copied, no HTTP), and through hotreload's proxy, by wrk
 * over keep-alive connections. Latency with one connection (the overhead a developer
 * feels), throughput with 16 (the ceiling on this machine, where wrk, proxy and app share
 * the cores), CPU per request of each process, the proxy's RSS after it.
 * Targets: ≤ 0.3 ms added at p50 (the 1 KB app); throughput ≥ 0.5× direct (the examples).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { waitForPort } from "../../src/health/port-ready.ts";
import { pickFreePort } from "../../src/proxy/free-port.ts";
import { median } from "../bench-stats.ts";
import { clockTicks, readCpuMs, readRssKb } from "./proc-stat.ts";
import { startTool, type ToolProcess } from "./tool-process.ts";
import type { BenchContext, Scenario, Section, Table } from "./types.ts";
import { findWrk, runWrk, type WrkResult } from "./wrk.ts";

export const scenario: Scenario = { order: 90, id: "proxy", run };

export const OVERHEAD_TARGET_US = 300;
export const THROUGHPUT_TARGET = 0.5;
/** Rounds per path: the ratio moves by ±0.1 between runs of 3 on this shared machine. */
const ROUNDS = 5;

const ALL_PATHS = ["direct", "pipe", "nginx", "proxy"] as const;
type Path = (typeof ALL_PATHS)[number];
const PATH_LABEL: Record<Path, string> = {
  direct: "direct to the app",
  pipe: "through a bare TCP pipe (Bun sockets, no HTTP)",
  nginx: "through nginx (C; one process, keep-alive to the app)",
  proxy: "through hotreload's proxy",
};

/** The nginx to compare with, when installed (`apt-get install nginx-light`). */
const NGINX = Bun.which("nginx") ?? (existsSync("/usr/sbin/nginx") ? "/usr/sbin/nginx" : null);

/**
 * nginx as a reverse proxy to `appPort`, as one would set it up for this: one process
 * (`master_process off`: the worker is the process measured), no access log, HTTP/1.1
 * with a keep-alive pool to the app, no response buffering.
 */
async function nginxTo(dir: string, appPort: number): Promise<Listening> {
  const port = await pickFreePort();
  const conf = join(dir, `nginx-${appPort}.conf`);
  writeFileSync(
    conf,
    [
      "daemon off;",
      "master_process off;",
      `error_log ${join(dir, "nginx-error.log")};`,
      `pid ${join(dir, `nginx-${appPort}.pid`)};`,
      "events { worker_connections 1024; }",
      "http {",
      "  access_log off;",
      `  client_body_temp_path ${dir};`,
      `  proxy_temp_path ${dir};`,
      `  upstream app { server 127.0.0.1:${appPort}; keepalive 32; }`,
      "  server {",
      `    listen 127.0.0.1:${port};`,
      "    location / {",
      "      proxy_pass http://app;",
      "      proxy_http_version 1.1;",
      '      proxy_set_header Connection "";',
      "      proxy_buffering off;",
      "    }",
      "  }",
      "}",
    ].join("\n"),
  );
  const proc = startTool([NGINX as string, "-p", dir, "-c", conf], { cwd: dir });
  const ready = await waitForPort(port, AbortSignal.timeout(15_000));
  if (!ready.ok) throw new Error(`nginx did not listen on ${port}: ${proc.tail()}`);
  return { proc, port };
}

interface Listening {
  proc: ToolProcess;
  port: number;
}

async function child(context: BenchContext, args: string[]): Promise<Listening> {
  const proc = startTool([process.execPath, "scripts/bench/proc-proxy.ts", ...args], {
    cwd: context.top,
  });
  const line = await proc.waitLine("stdout", /^PORT \d+$/, 15_000);
  return { proc, port: Number(line.text.slice(5)) };
}

/** The Bun example (examples/bun-server) on a free port, as `bun server.ts` (its request log discarded). */
async function bunExample(context: BenchContext): Promise<Listening> {
  const port = await pickFreePort();
  const proc = startTool([process.execPath, "server.ts"], {
    cwd: join(context.top, "examples", "bun-server"),
    env: { PORT: String(port) },
    stdout: "ignore",
  });
  const ready = await waitForPort(port, AbortSignal.timeout(15_000));
  if (!ready.ok) throw new Error(`the Bun example did not listen on ${port}: ${proc.tail()}`);
  return { proc, port };
}

/** The Go example built into `dir`, serving on a free port (its request log discarded). */
async function goExample(context: BenchContext, dir: string): Promise<Listening | null> {
  if (!Bun.which("go")) return null;
  const server = join(dir, "server");
  const build = Bun.spawnSync(["go", "build", "-o", server, "."], {
    cwd: join(context.top, "examples", "go-server"),
    env: { ...process.env, GOFLAGS: "-buildvcs=false" },
    stderr: "pipe",
  });
  if (build.exitCode !== 0) throw new Error(`go build: ${build.stderr.toString().trim()}`);
  const port = await pickFreePort();
  const proc = startTool([server], { cwd: dir, env: { PORT: String(port) }, stdout: "ignore" });
  const ready = await waitForPort(port, AbortSignal.timeout(15_000));
  if (!ready.ok) throw new Error(`the Go example did not listen on ${port}: ${proc.tail()}`);
  return { proc, port };
}

interface AppRun {
  name: string;
  /** One of the examples the target is for (issue 14), not the cheapest-app worst case. */
  example: boolean;
  latency: Record<Path, WrkResult[]>;
  throughput: Record<Path, WrkResult[]>;
  /** CPU µs per request in the 16-connection runs. */
  cpu: { app: Record<Path, number[]>; middle: Record<Path, number[]> };
  proxyRssMb: number;
}

const byPath = <T>(make: () => T): Record<Path, T> => ({
  direct: make(),
  pipe: make(),
  nginx: make(),
  proxy: make(),
});

const PATHS: readonly Path[] = ALL_PATHS.filter((path) => path !== "nginx" || NGINX !== null);
/** The processes between client and app, whose CPU per request is shown. */
const MIDDLE: readonly Path[] = ["pipe", "nginx", "proxy"];

async function measureApp(
  context: BenchContext,
  wrk: string,
  name: string,
  app: Listening,
  kind: { example: boolean; withLatency: boolean },
  dir: string,
): Promise<AppRun> {
  const withLatency = kind.withLatency;
  const rounds = context.short ? 1 : ROUNDS;
  const seconds = context.short ? 1 : 5;
  const proxy = await child(context, ["proxy", String(app.port)]);
  const pipe = await child(context, ["pipe", String(app.port)]);
  const nginx = NGINX ? await nginxTo(dir, app.port) : null;
  const middle: Partial<Record<Path, Listening>> = { pipe, proxy, ...(nginx ? { nginx } : {}) };
  const port: Record<Path, number> = {
    direct: app.port,
    pipe: pipe.port,
    nginx: nginx?.port ?? 0,
    proxy: proxy.port,
  };
  const ticks = clockTicks();
  const cpu = (pid: number) => readCpuMs(pid, ticks) ?? Number.NaN;
  const result: AppRun = {
    name,
    example: kind.example,
    latency: byPath(() => []),
    throughput: byPath(() => []),
    cpu: { app: byPath(() => []), middle: byPath(() => []) },
    proxyRssMb: Number.NaN,
  };
  try {
    // Unmeasured first: the JIT compiles the proxy's hot path within the first second or so.
    for (const path of PATHS)
      await runWrk(wrk, `http://127.0.0.1:${port[path]}/`, {
        threads: 2,
        connections: 16,
        seconds: context.short ? 1 : 2,
      });
    for (let round = 0; round < rounds; round++)
      for (const path of PATHS) {
        context.log(`proxy: ${name}: round ${round + 1}/${rounds}: ${path}`);
        const url = `http://127.0.0.1:${port[path]}/`;
        if (withLatency)
          result.latency[path].push(
            await runWrk(wrk, url, { threads: 1, connections: 1, seconds }),
          );
        const between = middle[path];
        const before = { app: cpu(app.proc.pid), middle: between ? cpu(between.proc.pid) : 0 };
        const run = await runWrk(wrk, url, { threads: 2, connections: 16, seconds });
        result.throughput[path].push(run);
        const per = (now: number, then: number) => ((now - then) * 1000) / run.requests;
        result.cpu.app[path].push(per(cpu(app.proc.pid), before.app));
        if (between) result.cpu.middle[path].push(per(cpu(between.proc.pid), before.middle));
      }
    result.proxyRssMb = (readRssKb(proxy.proc.pid) ?? Number.NaN) / 1024;
  } finally {
    await nginx?.proc.stop();
    await pipe.proc.stop();
    await proxy.proc.stop();
  }
  return result;
}

const rps = (runs: WrkResult[]) => median(runs.map((r) => r.requestsPerSecond));
const verdict = (met: boolean, text: string) => `**${met ? "met" : "not met"}** (${text})`;

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
  const loadBefore = loadavg()[0] ?? Number.NaN;
  const rounds = context.short ? 1 : ROUNDS;
  const dir = mkdtempSync(join(tmpdir(), "hotreload-bench-proxy-"));
  const runs: AppRun[] = [];
  try {
    const bunApp = await child(context, ["app"]);
    try {
      runs.push(
        await measureApp(
          context,
          wrk,
          "Bun.serve, 1 KB answers",
          bunApp,
          { example: false, withLatency: true },
          dir,
        ),
      );
    } finally {
      await bunApp.proc.stop();
    }
    const example = { example: true, withLatency: false };
    const bunServer = await bunExample(context);
    try {
      runs.push(
        await measureApp(
          context,
          wrk,
          "the Bun example (examples/bun-server)",
          bunServer,
          example,
          dir,
        ),
      );
    } finally {
      await bunServer.proc.stop();
    }
    const goApp = await goExample(context, dir);
    if (goApp)
      try {
        runs.push(
          await measureApp(
            context,
            wrk,
            "the Go example (examples/go-server)",
            goApp,
            example,
            dir,
          ),
        );
      } finally {
        await goApp.proc.stop();
      }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const [bun] = runs as [AppRun];
  const p50 = (path: Path) => median(bun.latency[path].map((r) => r.p50));
  const p99 = (path: Path) => median(bun.latency[path].map((r) => r.p99));
  const overhead = p50("proxy") - p50("direct");
  const errors = runs.reduce(
    (sum, r) => sum + [...r.latency.proxy, ...r.throughput.proxy].reduce((s, w) => s + w.errors, 0),
    0,
  );
  const tables: Table[] = [
    {
      title: "Latency with one connection (Bun.serve app)",
      columns: ["Path", "p50 (µs)", "p99 (µs)"],
      rows: PATHS.map((path) => [PATH_LABEL[path], p50(path).toFixed(0), p99(path).toFixed(0)]),
    },
    {
      title: "Throughput with 16 connections",
      columns: ["App", "Path", "req/s", "× direct", "app CPU µs/req", "middle CPU µs/req"],
      rows: runs.flatMap((r) =>
        PATHS.map((path) => [
          r.name,
          PATH_LABEL[path],
          rps(r.throughput[path]).toFixed(0),
          (rps(r.throughput[path]) / rps(r.throughput.direct)).toFixed(2),
          median(r.cpu.app[path]).toFixed(1),
          MIDDLE.includes(path) ? median(r.cpu.middle[path]).toFixed(1) : "–",
        ]),
      ),
    },
  ];
  const ratios = runs.map((r) => ({
    name: r.name,
    example: r.example,
    proxy: rps(r.throughput.proxy) / rps(r.throughput.direct),
    pipe: rps(r.throughput.pipe) / rps(r.throughput.direct),
    nginx: NGINX ? rps(r.throughput.nginx) / rps(r.throughput.direct) : Number.NaN,
  }));
  return {
    title,
    intro: [
      "Three apps — a Bun.serve answering 1 KB (the cheapest app there is, so the proxy's share",
      "is as large as it gets: the worst case), and the two examples as they are (examples/",
      "bun-server and examples/go-server; each logs a line per request, sent to /dev/null",
      "here), which the throughput target is for — measured directly, through a bare",
      "TCP pipe on Bun's sockets (bytes copied between each client connection and its own app",
      "connection, no HTTP at all: the ceiling of any proxy written on Bun), through nginx when",
      "it is installed (C, one process, keep-alive to the app), and through hotreload's proxy",
      "(src/proxy/), with wrk over keep-alive connections: latency with 1 connection,",
      `throughput with 16 connections on 2 threads; after a 2 s warm-up of each path (the JIT),`,
      `${rounds} rounds of 5 s, the paths alternating, medians shown. wrk, the middle process`,
      "and the app share this machine's cores, so whatever CPU the middle process uses is taken",
      "from the app and the client; an app's CPU per request also rises when its requests come",
      "slower (fewer of them per wake-up).",
    ].join("\n"),
    tables,
    notes: [
      `Added latency at p50: ${overhead.toFixed(0)} µs; target ≤ ${OVERHEAD_TARGET_US} µs: ${verdict(overhead <= OVERHEAD_TARGET_US, `${overhead.toFixed(0)} µs`)}.`,
      ...ratios.map((r) => {
        const measured = `Throughput through the proxy, ${r.name}: ${r.proxy.toFixed(2)}× direct (the bare pipe: ${r.pipe.toFixed(2)}×${NGINX ? `, nginx: ${r.nginx.toFixed(2)}×` : ""})`;
        return r.example
          ? `${measured}; target (the examples) ≥ ${THROUGHPUT_TARGET}×: ${verdict(r.proxy >= THROUGHPUT_TARGET, `${r.proxy.toFixed(2)}×`)}.`
          : `${measured}: the worst case, not a target — an app that does nothing but answer, so the second hop on loopback is most of the work; the pipe and nginx show what any middle process pays there.`;
      }),
      "Most of the middle process's CPU is the kernel's: each request is written twice more on loopback (client → proxy → app and back), and on loopback a write also runs the receiving side's TCP stack and wakes the reader. The pipe shows what that costs with no HTTP work at all, and nginx that a proxy written in C pays it too; the proxy's own work (reading each head, X-Forwarded-*, counting the exchange) is the difference between its row and the pipe's.",
      `Proxy RSS after the load: ${runs.map((r) => `${r.proxyRssMb.toFixed(0)} MB (${r.name})`).join(", ")}. Failed requests through the proxy: ${errors}.`,
      `Load average when the runs started: ${loadBefore.toFixed(1)} on ${availableParallelism()} cores (other work shares them; all figures move with it).`,
    ],
    ok: Number.isFinite(overhead) && ratios.every((r) => Number.isFinite(r.proxy)) && errors === 0,
  };
}
