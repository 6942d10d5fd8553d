/**
 * Measures what the live dashboard costs: a child prints N lines/s (default 10k), the lines go
 * through the event bus, and the dashboard fans them out to websocket clients and Chromium
 * pages driven from a separate process (so their CDP traffic is not counted here).
 *
 *   bun scripts/measure-dashboard.ts [--seconds 10] [--rate 10000] [--clients 5] [--pages 1]
 *
 * Reports this process's CPU (process.cpuUsage) with and without the dashboard, and the
 * pages' responsiveness: evaluate round trips, frame rate, long tasks, renderer busy time.
 */
import { parseArgs } from "node:util";
import type { CDPSession, Page } from "playwright-core";
import { startDashboard } from "../src/dashboard/server.ts";
import { createEventBus, type EventBus } from "../src/events/bus.ts";
import { silentLogger } from "../src/log.ts";

const { values: opts } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    rate: { type: "string", default: "10000" },
    clients: { type: "string", default: "5" },
    pages: { type: "string", default: "1" },
    mode: { type: "string", default: "main" },
    url: { type: "string", default: "" },
  },
});
const seconds = Number(opts.seconds);
const rate = Number(opts.rate);

/** Child mode: print `rate` coloured lines a second for `seconds`. */
async function emit(): Promise<void> {
  const perTick = Math.round(rate / 100);
  let n = 0;
  const end = performance.now() + seconds * 1000;
  let next = performance.now();
  while (performance.now() < end) {
    let chunk = "";
    for (let i = 0; i < perTick; i++, n++) {
      chunk += `\x1b[32mINFO\x1b[0m request ${n} \x1b[36mGET\x1b[0m /api/items/${n % 977} \x1b[1m200\x1b[0m in ${n % 50}ms\n`;
    }
    process.stdout.write(chunk);
    next += 10;
    await Bun.sleep(Math.max(0, next - performance.now()));
  }
}

/** Pipes a child's stdout lines onto the bus as log events; resolves with the line count. */
async function pump(bus: EventBus): Promise<{ lines: number; ms: number; cpu: NodeJS.CpuUsage }> {
  const child = Bun.spawn(
    [
      "bun",
      import.meta.path,
      "--mode",
      "emit",
      "--seconds",
      String(seconds),
      "--rate",
      String(rate),
    ],
    { stdout: "pipe", stderr: "inherit" },
  );
  const decoder = new TextDecoder();
  let rest = "";
  let lines = 0;
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  for await (const chunk of child.stdout) {
    rest += decoder.decode(chunk, { stream: true });
    const parts = rest.split("\n");
    rest = parts.pop() ?? "";
    for (const line of parts) {
      bus.emit({ type: "log", stream: "app", fd: "stdout", line });
      lines++;
    }
  }
  await child.exited;
  return { lines, ms: performance.now() - started, cpu: process.cpuUsage(cpu0) };
}

/** Child mode: connect websocket clients and Chromium pages, measure until stdin closes. */
async function drive(): Promise<void> {
  const { chromium } = await import("playwright-core");
  const url = new URL(opts.url);
  const wsUrl = `ws://${url.host}/ws${url.search}`;
  let wsLines = 0;
  let gaps = 0;
  const sockets = Array.from({ length: Number(opts.clients) }, () => {
    const ws = new WebSocket(wsUrl, { headers: { Origin: url.origin } } as unknown as string[]);
    ws.onmessage = (e) => {
      const m = JSON.parse(String(e.data));
      if (m.type === "batch") wsLines += m.events.length;
      else if (m.type === "event" && m.event.type === "log") wsLines++;
      else if (m.type === "gap") gaps += m.dropped;
    };
    return new Promise<WebSocket>((resolve) => {
      ws.onopen = () => resolve(ws);
    });
  });
  await Promise.all(sockets);
  const args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"];
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args });
  const pages: { page: Page; cdp: CDPSession }[] = [];
  for (let i = 0; i < Number(opts.pages); i++) {
    const page = await browser.newPage();
    await page.addInitScript(() => {
      const w = window as unknown as { longTasks: number[]; frames: number };
      w.longTasks = [];
      w.frames = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.longTasks.push(e.duration);
      }).observe({ type: "longtask" });
      const tick = () => {
        w.frames++;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    await page.goto(url.href);
    await page.waitForSelector("#conn[data-state=open]");
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Performance.enable");
    pages.push({ page, cdp });
  }
  const metric = async (cdp: CDPSession) =>
    (await cdp.send("Performance.getMetrics")).metrics.find((m) => m.name === "TaskDuration")
      ?.value ?? 0;
  const task0 = await Promise.all(pages.map((p) => metric(p.cdp)));
  const frames0 = await Promise.all(
    pages.map((p) => p.page.evaluate(() => (window as unknown as { frames: number }).frames)),
  );
  const t0 = performance.now();
  console.log("READY");
  const rtts: number[] = [];
  let stopped = false;
  process.stdin.on("data", () => {
    stopped = true;
  });
  while (!stopped) {
    for (const { page } of pages) {
      const s = performance.now();
      await page.evaluate(() => 1);
      rtts.push(performance.now() - s);
    }
    await Bun.sleep(200);
  }
  const wall = (performance.now() - t0) / 1000;
  const per = await Promise.all(
    pages.map(async ({ page, cdp }, i) => {
      const r = await page.evaluate(() => {
        const w = window as unknown as { longTasks: number[]; frames: number };
        return {
          frames: w.frames,
          longTasks: w.longTasks,
          dom: document.querySelectorAll("#log .line").length,
        };
      });
      return {
        fps: (r.frames - frames0[i]!) / wall,
        longTaskMs: r.longTasks.reduce((a, b) => a + b, 0),
        longestTaskMs: Math.max(0, ...r.longTasks),
        rendererBusyPct: (((await metric(cdp)) - task0[i]!) / wall) * 100,
        domLines: r.dom,
      };
    }),
  );
  rtts.sort((a, b) => a - b);
  const q = (p: number) => rtts[Math.min(rtts.length - 1, Math.floor(p * rtts.length))] ?? 0;
  console.log(
    JSON.stringify({
      wsLines,
      gaps,
      pages: per,
      evaluateMs: { p50: q(0.5), p95: q(0.95), max: q(1) },
    }),
  );
  await browser.close();
  for (const ws of await Promise.all(sockets)) ws.close();
}

const pct = (cpu: NodeJS.CpuUsage, ms: number) =>
  (((cpu.user + cpu.system) / 1000 / ms) * 100).toFixed(1);

async function main(): Promise<void> {
  console.log(
    `${rate} lines/s for ${seconds}s; ${opts.clients} websocket clients, ${opts.pages} Chromium page(s)`,
  );
  const baseBus = createEventBus();
  baseBus.subscribe(() => {});
  const base = await pump(baseBus);
  console.log(`without dashboard: ${base.lines} lines, CPU ${pct(base.cpu, base.ms)}% of one core`);

  const bus = createEventBus();
  const dash = await startDashboard({
    host: "127.0.0.1",
    port: 0,
    bus,
    config: {},
    onCommand() {},
    log: silentLogger,
  });
  if (!dash.ok) throw new Error(dash.error.message);
  const driver = Bun.spawn(
    [
      "bun",
      import.meta.path,
      "--mode",
      "drive",
      "--url",
      dash.value.url,
      "--clients",
      String(opts.clients),
      "--pages",
      String(opts.pages),
    ],
    { stdin: "pipe", stdout: "pipe", stderr: "inherit" },
  );
  const reader = driver.stdout.getReader();
  let out = "";
  const readUntil = async (pattern: RegExp) => {
    while (!pattern.test(out)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`driver ended early: ${out}`);
      out += new TextDecoder().decode(value);
    }
  };
  await readUntil(/READY\n/);
  const rss0 = process.memoryUsage().rss;
  const withDash = await pump(bus);
  const rss1 = process.memoryUsage().rss;
  driver.stdin.write("stop\n");
  driver.stdin.end();
  await readUntil(/\{.*\}\n/);
  await driver.exited;
  await dash.value.close();
  const result = JSON.parse(/(\{.*\})\n/.exec(out)![1]!);
  const added =
    ((withDash.cpu.user + withDash.cpu.system) / 1000 / withDash.ms -
      (base.cpu.user + base.cpu.system) / 1000 / base.ms) *
    100;
  console.log(
    `with dashboard:    ${withDash.lines} lines, CPU ${pct(withDash.cpu, withDash.ms)}% of one core (added ${added.toFixed(1)} points)`,
  );
  console.log(
    `RSS ${(rss0 / 2 ** 20).toFixed(0)} MB → ${(rss1 / 2 ** 20).toFixed(0)} MB during the run`,
  );
  console.log(
    `websocket clients received ${result.wsLines} of ${withDash.lines * Number(opts.clients)} line deliveries, ${result.gaps} dropped`,
  );
  console.log(
    `page evaluate round trip: p50 ${result.evaluateMs.p50.toFixed(1)} ms, p95 ${result.evaluateMs.p95.toFixed(1)} ms, max ${result.evaluateMs.max.toFixed(1)} ms`,
  );
  for (const [i, p] of result.pages.entries()) {
    console.log(
      `page ${i + 1}: ${p.fps.toFixed(0)} fps, renderer busy ${p.rendererBusyPct.toFixed(0)}%, long tasks ${p.longTaskMs.toFixed(0)} ms total (longest ${p.longestTaskMs.toFixed(0)} ms), ${p.domLines} lines in the DOM`,
    );
  }
}

if (opts.mode === "emit") await emit();
else if (opts.mode === "drive") await drive();
else await main();
