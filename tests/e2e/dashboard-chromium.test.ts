import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";
import {
  startTestDashboard,
  TEST_TOKEN,
  type TestDashboard,
  waitUntil,
} from "../helpers/dashboard-harness.ts";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-quic",
  "--disable-sync",
];
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`skipping the dashboard Chromium tests: ${CHROMIUM} is missing`);

let browser: Browser;
beforeAll(async () => {
  // launch() gives every run a fresh temporary profile (user-data dir) and removes it on close.
  if (haveChromium) browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});
afterAll(async () => {
  await browser?.close();
});

interface Opened {
  page: Page;
  problems: string[];
  [Symbol.asyncDispose](): Promise<void>;
}

/** Opens the dashboard and records console errors, CSP violations and failed requests. */
async function open(d: TestDashboard, width = 1280, height = 800): Promise<Opened> {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning")
      problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  await page.goto(d.url);
  await page.waitForSelector("#conn[data-state=open]", { timeout: 15_000 });
  return { page, problems, [Symbol.asyncDispose]: () => context.close() };
}

const T = 60_000;

describe.skipIf(!haveChromium)("dashboard in Chromium", () => {
  test(
    "loads its embedded assets with no CSP violation or console error",
    async () => {
      await using d = await startTestDashboard();
      await using o = await open(d);
      const sheets = await o.page.evaluate(() => document.styleSheets.length);
      expect(sheets).toBe(3);
      // The module graph loaded: app.js wired the buttons once the socket opened.
      expect(await o.page.isEnabled("#rebuild")).toBe(true);
      expect(o.problems).toEqual([]);
    },
    T,
  );

  test(
    "bus events appear live: phase, a coloured log line, a build bar, the build error",
    async () => {
      await using d = await startTestDashboard();
      await using o = await open(d);
      const { page } = o;
      d.bus.emit({ type: "build.started", seq: 1, command: "go build", reason: "main.go changed" });
      d.bus.emit({
        type: "build.finished",
        seq: 1,
        ok: true,
        exitCode: 0,
        signal: null,
        durationMs: 420,
        tail: [],
      });
      d.bus.emit({ type: "process.started", pid: 31337 });
      d.bus.emit({
        type: "reload.done",
        seq: 1,
        files: 1,
        timing: { build: 420, start: 30, healthy: 80 },
      });
      d.bus.emit({ type: "phase", phase: "running", previous: "starting" });
      d.bus.emit({
        type: "log",
        stream: "app",
        fd: "stdout",
        line: "\x1b[31mred alert\x1b[0m <b>not bold</b>",
      });
      await page.waitForSelector("#phase[data-phase=running]");
      expect(await page.textContent("#pid")).toBe("31337");
      const span = page.locator(".line .msg span", { hasText: "red alert" });
      await span.waitFor();
      const colours = await span.evaluate((el) => [
        getComputedStyle(el).color,
        getComputedStyle(el.parentElement!).color,
      ]);
      expect(colours[0]).not.toBe(colours[1]); // styled differently from the plain text
      expect(await page.locator(".line .msg b").count()).toBe(0); // HTML stayed text
      await page.waitForSelector('#chart g.bar[data-seq="1"] rect.k-build');
      expect(await page.locator('#chart g.bar[data-seq="1"] rect.k-healthy').count()).toBe(1);
      d.bus.emit({
        type: "build.finished",
        seq: 2,
        ok: false,
        exitCode: 2,
        signal: null,
        durationMs: 90,
        tail: ["./main.go:3:2: \x1b[1mundefined: foo\x1b[0m"],
      });
      await page.waitForSelector("#error:not([hidden])");
      expect(await page.textContent("#error-output")).toContain("undefined: foo");
      expect(o.problems).toEqual([]);
    },
    T,
  );

  test(
    "clicking Rebuild calls onCommand('rebuild')",
    async () => {
      await using d = await startTestDashboard();
      await using o = await open(d);
      await o.page.click("#rebuild");
      await waitUntil(
        () => d.commands.length > 0,
        () => "onCommand was not called",
      );
      expect(d.commands).toEqual(["rebuild"]);
      // Keyboard works too: focus the button and press Enter.
      await o.page.focus("#restart");
      await o.page.keyboard.press("Enter");
      await waitUntil(
        () => d.commands.length > 1,
        () => `commands: ${d.commands}`,
      );
      expect(d.commands).toEqual(["rebuild", "restart"]);
    },
    T,
  );

  test(
    "the page reconnects after the server closes and comes back on the same port",
    async () => {
      const first = await startTestDashboard();
      const port = first.port;
      await using o = await open(first);
      await first.close();
      await o.page.waitForSelector("#conn[data-state=closed]");
      await using second = await startTestDashboard({ port, token: TEST_TOKEN });
      await o.page.waitForSelector("#conn[data-state=open]", { timeout: 15_000 });
      second.bus.emit({ type: "phase", phase: "backoff", previous: "crashed" });
      await o.page.waitForSelector("#phase[data-phase=backoff]");
      // Refused websocket attempts while the server was down are not page errors.
      expect(
        o.problems.filter((p) => !/WebSocket|ERR_CONNECTION_REFUSED|snapshot/.test(p)),
      ).toEqual([]);
    },
    T,
  );

  test(
    "375 px wide: no horizontal scroll, even with long lines and many builds",
    async () => {
      await using d = await startTestDashboard();
      for (let seq = 1; seq <= 50; seq++) {
        d.bus.emit({
          type: "build.started",
          seq,
          command: "b",
          reason: `${"very-long-file-name/".repeat(8)}x.go`,
        });
        d.bus.emit({
          type: "build.finished",
          seq,
          ok: seq % 7 !== 0,
          exitCode: 0,
          signal: null,
          durationMs: seq * 10,
          tail: ["e".repeat(400)],
        });
      }
      d.bus.emit({
        type: "changes",
        changes: [{ path: `${"deep/".repeat(40)}file.go`, kind: "create" }],
        fingerprint: null,
      });
      d.bus.emit({ type: "log", stream: "app", fd: "stdout", line: "y".repeat(2000) });
      await using o = await open(d, 375, 800);
      await o.page.waitForSelector(".line");
      const sizes = await o.page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        client: document.documentElement.clientWidth,
      }));
      expect(sizes.scroll).toBeLessThanOrEqual(sizes.client);
    },
    T,
  );

  test(
    "stream filters, search, and the pause when the user scrolls up",
    async () => {
      await using d = await startTestDashboard();
      await using o = await open(d, 1280, 700);
      const { page } = o;
      for (let i = 0; i < 300; i++) {
        d.bus.emit({
          type: "log",
          stream: i % 2 ? "app" : "build",
          fd: "stdout",
          line: `row ${i}`,
        });
      }
      await page.waitForFunction(
        () => document.querySelector("#log-count")?.textContent === "300 lines",
      );
      await page.uncheck("input[value=build]");
      await page.waitForFunction(
        () => document.querySelector("#log-count")?.textContent === "150 of 300 lines",
      );
      await page.fill("#search", "row 29");
      // row 29, 290..299 are app lines at odd numbers: 29, 291, 293, 295, 297, 299
      await page.waitForFunction(
        () => document.querySelector("#log-count")?.textContent === "6 of 300 lines",
      );
      await page.fill("#search", "");
      await page.check("input[value=build]");
      await page.waitForFunction(
        () => document.querySelector("#log-count")?.textContent === "300 lines",
      );
      expect(await page.isHidden("#follow")).toBe(true);
      await page.evaluate(() => {
        document.querySelector("#log")!.scrollTop = 0;
      });
      await page.waitForSelector("#follow:not([hidden])");
      d.bus.emit({ type: "log", stream: "app", fd: "stdout", line: "while paused" });
      await page.waitForFunction(() =>
        document.querySelector("#follow")?.textContent?.startsWith("1 new line —"),
      );
      expect(await page.evaluate(() => document.querySelector("#log")!.scrollTop)).toBe(0); // stayed put
      await page.click("#follow");
      await page.waitForFunction(() =>
        document
          .querySelector("#log .log-window")
          ?.lastElementChild?.textContent?.endsWith("while paused"),
      );
      expect(o.problems).toEqual([]);
    },
    T,
  );

  test(
    "20k log lines pushed at once leave the page responsive with the DOM capped",
    async () => {
      await using d = await startTestDashboard();
      await using o = await open(d);
      for (let i = 0; i < 20_000; i++) {
        d.bus.emit({
          type: "log",
          stream: i % 3 ? "app" : "build",
          fd: "stdout",
          line: `\x1b[32mline\x1b[0m ${i}`,
        });
      }
      // Asked while the page is still taking the lines in: it must answer promptly.
      const started = performance.now();
      await o.page.evaluate(() => 1);
      const ms = performance.now() - started;
      await o.page.waitForFunction(
        () =>
          document
            .querySelector("#log .log-window")
            ?.lastElementChild?.textContent?.endsWith("line 19999"),
        null,
        { timeout: 30_000 },
      );
      const dom = await o.page.evaluate(() => document.querySelectorAll("#log .line").length);
      console.log(
        `20k lines: the page answered an evaluate in ${ms.toFixed(0)} ms; ${dom} lines in the DOM`,
      );
      // The view keeps the last 5000 lines and draws only the rows in sight.
      expect(await o.page.textContent("#log-count")).toBe("5000 lines");
      expect(dom).toBeGreaterThan(5);
      expect(dom).toBeLessThan(200);
      expect(ms).toBeLessThan(2000);
      expect(o.problems).toEqual([]);
    },
    T,
  );
});
