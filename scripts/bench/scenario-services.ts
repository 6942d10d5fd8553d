/**
 * Several services in one hotreload against one hotreload per service (issue 16): the Go
 * example (health-checked), the Bun example (after Go is healthy) and a shell worker
 * (after Bun started), Go and Bun both watching `shared/`. Measured: the engines' own RSS
 * and idle CPU (the servers are the same either way and not counted), the start order in
 * repeated cold starts (from the events' timestamps), and one edit in `shared/` (exactly
 * Go and Bun reload, once each; the worker is left alone).
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Event } from "../../src/events/types.ts";
import { freePort } from "./http-poll.ts";
import { bestPct, cpuWindow, fmt, hotreloadArgv, hotreloadEnv, settle } from "./proc-hotreload.ts";
import { clockTicks, sumRssMb } from "./proc-stat.ts";
import { realGoCache } from "./projects.ts";
import { startTool, type ToolProcess } from "./tool-process.ts";
import type { BenchContext, Scenario, Section } from "./types.ts";

export const scenario: Scenario = { order: 95, id: "services", run };

/** Issue 16: one run with three services ≤ half the three separate runs (RSS and idle CPU). */
export const TARGET_RATIO = 0.5;

interface Stack extends Disposable {
  base: string;
  dir: string;
  env: Record<string, string | undefined>;
  /** The three services as flags of separate runs. */
  separate: { name: string; args: string[] }[];
}

function makeStack(top: string, goCache: string, ports: [number, number]): Stack {
  const base = mkdtempSync(join(tmpdir(), "hotreload-bench-services-"));
  const dir = join(base, "stack");
  for (const [name, example] of [
    ["go", "go-server"],
    ["bun", "bun-server"],
  ] as const)
    cpSync(join(top, "examples", example), join(dir, name), {
      recursive: true,
      // The examples' own configs (the Go one turns the proxy on) are not these services'.
      filter: (src) => !/(README\.md|\.hotreload\.ya?ml)$/.test(src),
    });
  mkdirSync(join(dir, "worker"), { recursive: true });
  mkdirSync(join(dir, "shared"), { recursive: true });
  mkdirSync(join(base, "out"));
  writeFileSync(join(dir, "worker", "worker.sh"), 'echo "worker ready"\nexec sleep 600\n');
  writeFileSync(join(dir, "shared", "config.txt"), "greeting=hello\n");
  const [goPort, bunPort] = ports;
  const server = join(base, "out", "go-server");
  const go = {
    build: `go build -o ${server} .`,
    exec: `${server} >/dev/null`,
    health: `http://127.0.0.1:${goPort}/health`,
  };
  const bunExec = `${process.execPath} server.ts >/dev/null`;
  writeFileSync(
    join(dir, ".hotreload.yaml"),
    [
      "notifications: {enabled: false}",
      "services:",
      "  go:",
      "    root: go",
      `    build: ${JSON.stringify(go.build)}`,
      `    exec: ${JSON.stringify(go.exec)}`,
      "    ext: [.go, .txt]",
      "    watch: [../shared]",
      `    env: {PORT: "${goPort}"}`,
      `    health_check: {enabled: true, url: "${go.health}", interval: 50ms}`,
      "  bun:",
      "    root: bun",
      `    exec: ${JSON.stringify(bunExec)}`,
      "    ext: [.ts, .txt]",
      "    watch: [../shared]",
      `    env: {PORT: "${bunPort}"}`,
      "    depends_on: {go: {condition: healthy}}",
      "  worker:",
      "    root: worker",
      "    exec: sh worker.sh",
      "    ext: [.sh]",
      "    depends_on: [bun]",
      "",
    ].join("\n"),
  );
  const common = ["--no-notifications", "--no-color"];
  return {
    base,
    dir,
    env: {
      ...hotreloadEnv(base),
      GOCACHE: goCache,
      GOFLAGS: "-buildvcs=false",
      TMPDIR: join(base, "tmp"),
    },
    separate: [
      {
        name: "go",
        args: [
          ...["--root", join(dir, "go"), "--build", go.build, "--exec", go.exec],
          ...["--ext", ".go,.txt", "--watch", join(dir, "shared"), "--health-url", go.health],
          ...["--env", `PORT=${goPort}`, ...common],
        ],
      },
      {
        name: "bun",
        args: [
          ...["--root", join(dir, "bun"), "--exec", bunExec, "--ext", ".ts,.txt"],
          ...["--watch", join(dir, "shared"), "--env", `PORT=${bunPort}`, ...common],
        ],
      },
      {
        name: "worker",
        args: ["--root", join(dir, "worker"), "--exec", "sh worker.sh", "--ext", ".sh", ...common],
      },
    ],
    [Symbol.dispose]() {
      rmSync(base, { recursive: true, force: true });
    },
  };
}

const eventsOf = (lines: readonly { text: string }[]): Event[] =>
  lines.flatMap((line) => {
    try {
      return [JSON.parse(line.text) as Event];
    } catch {
      return [];
    }
  });

const isEvent = (type: Event["type"], service?: string, extra?: (e: Event) => boolean) => {
  return (text: string) => {
    if (!text.startsWith("{")) return false;
    const e = JSON.parse(text) as Event;
    return (
      e.type === type && (service === undefined || e.service === service) && (extra?.(e) ?? true)
    );
  };
};

function startCombined(context: BenchContext, stack: Stack): ToolProcess {
  mkdirSync(join(stack.base, "tmp"), { recursive: true });
  return startTool(hotreloadArgv(context.top, ["--json", "--no-color"]), {
    cwd: stack.dir,
    env: stack.env,
  });
}

/** The events' times say the order: Go healthy → Bun started → worker started. */
function orderOk(events: Event[]): boolean {
  const at = (type: Event["type"], service: string) =>
    events.find((e) => e.type === type && e.service === service)?.time;
  const goHealthy = at("health.ok", "go");
  const bunStarting = at("process.starting", "bun");
  const bunStarted = at("process.started", "bun");
  const workerStarting = at("process.starting", "worker");
  if ([goHealthy, bunStarting, bunStarted, workerStarting].some((t) => t === undefined))
    return false;
  return (
    (goHealthy as number) <= (bunStarting as number) &&
    (bunStarted as number) <= (workerStarting as number)
  );
}

async function run(context: BenchContext): Promise<Section> {
  if (Bun.which("go") === null)
    return {
      title: "Several services in one run",
      intro: "Needs Go for the Go example.",
      tables: [],
      notes: ["Skipped: `go` is not on PATH."],
      ok: true,
    };
  const ticks = clockTicks();
  const goCache = await realGoCache();
  const windowMs = context.short ? 1000 : 5000;
  const coldStarts = context.short ? 1 : 50;
  // Start-up work done (under 1% of a core); short mode only checks the scenario runs.
  const settleMs = context.short ? 2000 : 20_000;
  const goPort = freePort();
  let bunPort = freePort();
  while (bunPort === goPort) bunPort = freePort();
  const ports: [number, number] = [goPort, bunPort];
  using stack = makeStack(context.top, goCache, ports);
  const notes: string[] = [];

  // One run, three services.
  context.log("services: one hotreload with three services");
  const combined = startCombined(context, stack);
  let oneRss: number | null = null;
  let oneCpu = Number.NaN;
  let shared: Record<string, number> = {};
  try {
    await combined.waitLine("stdout", isEvent("process.started", "worker"), 120_000);
    await settle([combined.pid], settleMs, ticks);
    oneRss = sumRssMb([combined.pid]);
    oneCpu = bestPct(await cpuWindow([combined.pid], windowMs, ticks));

    // One edit in shared/: Go rebuilds and Bun restarts, once each; the worker stays.
    const mark = combined.stdout.length;
    writeFileSync(join(stack.dir, "shared", "config.txt"), "greeting=hi\n");
    await combined.waitLine("stdout", isEvent("health.ok", "go"), 60_000, mark);
    await combined.waitLine("stdout", isEvent("process.started", "bun"), 60_000, mark);
    await Bun.sleep(1000); // anything more would show up in the counts below
    const after = eventsOf(combined.stdout.slice(mark));
    const count = (type: Event["type"], service: string) =>
      after.filter((e) => e.type === type && e.service === service).length;
    shared = {
      "go builds": count("build.started", "go"),
      "go starts": count("process.started", "go"),
      "bun starts": count("process.started", "bun"),
      "worker starts": count("process.started", "worker"),
      "worker changes": count("changes", "worker"),
    };
  } finally {
    await combined.stop(5000);
  }

  // Three separate runs of the same services.
  context.log("services: three separate hotreload runs");
  const separate = stack.separate.map((s) =>
    startTool(hotreloadArgv(context.top, [...s.args, "--json"]), {
      cwd: stack.dir,
      env: stack.env,
    }),
  );
  let threeRss: number | null = null;
  let threeCpu = Number.NaN;
  try {
    await Promise.all(
      separate.map((tool) => tool.waitLine("stdout", isEvent("process.started"), 120_000)),
    );
    const pids = separate.map((t) => t.pid);
    await settle(pids, settleMs, ticks);
    threeRss = sumRssMb(pids);
    threeCpu = bestPct(await cpuWindow(pids, windowMs, ticks));
  } finally {
    await Promise.all(separate.map((t) => t.stop(5000)));
  }

  // Cold starts: the order from the events' timestamps.
  let ordered = 0;
  for (let i = 0; i < coldStarts; i++) {
    context.log(`services: cold start ${i + 1}/${coldStarts}`);
    const tool = startCombined(context, stack);
    try {
      await tool.waitLine("stdout", isEvent("process.started", "worker"), 60_000);
      if (orderOk(eventsOf(tool.stdout))) ordered++;
      else notes.push(`Cold start ${i + 1}: wrong order.`);
    } catch (error) {
      notes.push(`Cold start ${i + 1} failed: ${String(error).split("\n")[0]}`);
    } finally {
      await tool.stop(5000);
    }
  }

  const rssRatio = oneRss !== null && threeRss ? oneRss / threeRss : Number.NaN;
  const cpuRatio = threeCpu > 0 ? oneCpu / threeCpu : Number.NaN;
  const sharedOk =
    shared["go builds"] === 1 &&
    shared["go starts"] === 1 &&
    shared["bun starts"] === 1 &&
    shared["worker starts"] === 0 &&
    shared["worker changes"] === 0;
  const verdict = (ratio: number) =>
    Number.isNaN(ratio)
      ? "**not measured**"
      : `${ratio.toFixed(2)}× (${ratio <= TARGET_RATIO ? "**met**" : "**not met**"})`;
  return {
    title: "Several services in one run",
    intro: [
      "Three services: the Go example (built, health-checked), the Bun example (starts once Go",
      "is healthy) and a shell worker (after Bun started); Go and Bun both watch `shared/`.",
      "One `hotreload` with `services:` against three `hotreload` runs with the same settings.",
      "Only hotreload's own processes are counted (the servers are the same in both), RSS",
      `after start-up settled, idle CPU over ${windowMs / 1000} s (schedstat).`,
    ].join("\n"),
    tables: [
      {
        columns: ["Setup", "RSS", "Idle CPU"],
        rows: [
          ["one hotreload, three services", fmt.mb(oneRss), fmt.pct(oneCpu)],
          ["three hotreload runs (sum)", fmt.mb(threeRss), fmt.pct(threeCpu)],
          [
            "ratio",
            Number.isNaN(rssRatio) ? "n/a" : `${rssRatio.toFixed(2)}×`,
            Number.isNaN(cpuRatio) ? "n/a" : `${cpuRatio.toFixed(2)}×`,
          ],
        ],
      },
      {
        title: "One edit in shared/ (watched by Go and Bun)",
        columns: ["Go builds", "Go starts", "Bun starts", "worker starts", "worker changes"],
        rows: [
          [
            String(shared["go builds"] ?? "–"),
            String(shared["go starts"] ?? "–"),
            String(shared["bun starts"] ?? "–"),
            String(shared["worker starts"] ?? "–"),
            String(shared["worker changes"] ?? "–"),
          ],
        ],
      },
    ],
    notes: [
      `Target (issue 16): one run ≤ ${TARGET_RATIO}× the sum of three. RSS: ${verdict(rssRatio)}; idle CPU: ${verdict(cpuRatio)}.`,
      `Start order (Go healthy → Bun started → worker started, from the events' timestamps) correct in ${ordered} of ${coldStarts} cold starts.`,
      `One edit in shared/: ${sharedOk ? "exactly Go and Bun reloaded, once each; the worker saw nothing" : "**not as expected** (see the table)"}.`,
      ...notes,
    ],
    ok: !Number.isNaN(rssRatio) && ordered === coldStarts && sharedOk,
  };
}
