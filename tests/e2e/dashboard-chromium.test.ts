import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import {
  haveChromium,
  launchChromium,
  type OpenedPage,
  openDashboard,
  screenshot,
  unexpectedProblems,
} from "../helpers/dashboard-browser.ts";
import {
  emitGoodBuild,
  startTestDashboard,
  TEST_TOKEN,
  type TestDashboard,
  waitUntil,
} from "../helpers/dashboard-harness.ts";

if (!haveChromium)
  console.warn("skipping the dashboard Chromium tests: /usr/bin/chromium is missing");

let browser: Browser;
beforeAll(async () => {
  if (haveChromium) browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

function open(d: TestDashboard, width = 1280, height = 800): Promise<OpenedPage> {
  return openDashboard(browser, d.url, { viewport: { width, height } });
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
      emitGoodBuild(d, 1, 420);
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
      // The banner says so plainly, and the retries back off (0.5 s, 1 s, 2 s …).
      await o.page.waitForFunction(() =>
        /not running .* trying again in \d s \(attempt [2-9]\)/.test(
          document.querySelector("#notice")?.textContent ?? "",
        ),
      );
      expect(await o.page.textContent("#conn")).toMatch(/disconnected|reconnecting…/);
      await using second = await startTestDashboard({ port, token: TEST_TOKEN });
      await o.page.waitForSelector("#conn[data-state=open]", { timeout: 15_000 });
      second.bus.emit({ type: "phase", phase: "backoff", previous: "crashed" });
      await o.page.waitForSelector("#phase[data-phase=backoff]");
      expect(await o.page.isHidden("#notice")).toBe(true);
      // Refused websocket attempts while the server was down are not page errors.
      expect(unexpectedProblems(o.problems)).toEqual([]);
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
      await page.fill("#search", "ROW 29");
      // row 29, 290..299 are app lines at odd numbers: 29, 291, 293, 295, 297, 299
      await page.waitForFunction(
        () => document.querySelector("#log-count")?.textContent === "6 of 300 lines",
      );
      // Matches are marked, whatever their case.
      const marks = await page.$$eval("#log .line mark", (ms) => ms.map((m) => m.textContent));
      expect(marks).toEqual(["row 29", "row 29", "row 29", "row 29", "row 29", "row 29"]);
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
    "search marks matches across colour changes",
    async () => {
      await using d = await startTestDashboard();
      d.bus.emit({ type: "log", stream: "app", fd: "stdout", line: "\x1b[32mfoo\x1b[0mbar baz" });
      d.bus.emit({ type: "log", stream: "app", fd: "stdout", line: "<b>obar</b> again OBAR" });
      await using o = await open(d);
      await o.page.fill("#search", "obar");
      await o.page.waitForFunction(
        () => document.querySelector("#log-count")?.textContent === "2 of 2 lines",
      );
      await o.page.waitForSelector("#log .line mark");
      const marks = await o.page.$$eval("#log .line mark", (ms) => ms.map((m) => m.textContent));
      expect(marks).toEqual(["o", "bar", "obar", "OBAR"]);
      expect(await o.page.locator("#log .line b").count()).toBe(0); // still text, never HTML
      await o.page.fill("#search", "");
      await o.page.waitForFunction(() => document.querySelectorAll("#log .line mark").length === 0);
      expect(o.problems).toEqual([]);
    },
    T,
  );

  test(
    "100k log lines never freeze the page: a click is answered within a deadline",
    async () => {
      await using d = await startTestDashboard();
      await using o = await open(d);
      const { page } = o;
      const clicks: number[] = [];
      const TOTAL = 100_000;
      for (let sent = 0; sent < TOTAL; ) {
        for (let i = 0; i < 10_000; i++, sent++) {
          d.bus.emit({
            type: "log",
            stream: sent % 3 ? "app" : "build",
            fd: "stdout",
            line: `\x1b[32mline\x1b[0m ${sent}`,
          });
        }
        // While lines are still arriving: toggle a filter and time the page's answer.
        const want = await page.isChecked("input[value=build]");
        const started = performance.now();
        await page.click("input[value=build]", { timeout: 5000 });
        await page.waitForFunction(
          (checked) =>
            (document.querySelector("input[value=build]") as HTMLInputElement).checked ===
              checked && /of|lines/.test(document.querySelector("#log-count")?.textContent ?? ""),
          !want,
          { timeout: 5000 },
        );
        clicks.push(performance.now() - started);
      }
      if (!(await page.isChecked("input[value=build]"))) await page.check("input[value=build]");
      await page.waitForFunction(
        (last) =>
          document.querySelector("#log .log-window")?.lastElementChild?.textContent?.endsWith(last),
        `line ${TOTAL - 1}`,
        { timeout: 30_000 },
      );
      const dom = await page.evaluate(() => document.querySelectorAll("#log .line").length);
      const worst = Math.max(...clicks);
      console.log(
        `100k lines: ${clicks.length} clicks answered in ${clicks.map((c) => c.toFixed(0)).join("/")} ms (worst ${worst.toFixed(0)}); ${dom} rows in the DOM`,
      );
      // The view keeps the last 5000 lines and draws only the rows in sight.
      expect(await page.textContent("#log-count")).toBe("5000 lines");
      expect(dom).toBeGreaterThan(5);
      expect(dom).toBeLessThan(200);
      expect(worst).toBeLessThan(3000);
      await screenshot(page, "logs-100k");
      expect(o.problems).toEqual([]);
    },
    T,
  );
});
