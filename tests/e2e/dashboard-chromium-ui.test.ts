/**
 * The page's header, buttons, theme, phone layout and keyboard use in real Chromium, fed by
 * a real dashboard server and bus (issue 6, item 3). Screenshots go to the artifacts dir.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import type { FileChange } from "../../src/events/types.ts";
import {
  haveChromium,
  launchChromium,
  openDashboard,
  screenshot,
} from "../helpers/dashboard-browser.ts";
import {
  emitGoodBuild,
  startTestDashboard,
  type TestDashboard,
  waitUntil,
} from "../helpers/dashboard-harness.ts";

let browser: Browser;
beforeAll(async () => {
  if (haveChromium) browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

const T = 60_000;

/** A complete swap: build 1 replaces process 100 by 200, with every stage timed. */
function reload(d: TestDashboard): void {
  d.bus.emit({ type: "process.started", pid: 100 });
  d.bus.emit({ type: "changes", changes: [{ path: "main.go", kind: "modify" }], fingerprint: "f" });
  emitGoodBuild(d, 1, 400);
  d.bus.emit({ type: "process.stopping", pid: 100, signal: "SIGTERM" });
  d.bus.emit({
    type: "process.exited",
    pid: 100,
    exitCode: 0,
    signal: null,
    requested: true,
    uptimeMs: 5000,
  });
  d.bus.emit({ type: "process.starting", command: "./app" });
  d.bus.emit({ type: "process.started", pid: 200 });
  d.bus.emit({ type: "health.ok", pid: 200, attempts: 1, ms: 35, status: 200 });
  d.bus.emit({
    type: "reload.done",
    seq: 1,
    files: 1,
    timing: { build: 400, stop: 120, start: 60, healthy: 35 },
  });
  d.bus.emit({ type: "phase", phase: "running", previous: "starting" });
}

const bg = (page: Page, selector: string) =>
  page.$eval(selector, (el) => getComputedStyle(el).backgroundColor);

describe.skipIf(!haveChromium)("dashboard page in Chromium", () => {
  test(
    "header: phase colour, pid, uptime, health, backoff countdown; stage times in the chart",
    async () => {
      await using d = await startTestDashboard();
      await using o = await openDashboard(browser, d.url);
      const { page } = o;
      reload(d);
      await page.waitForSelector("#phase[data-phase=running]");
      expect(await page.textContent("#pid")).toBe("200");
      expect(await page.textContent("#health")).toBe("healthy in 35 ms");
      const running = await bg(page, "#phase");
      for (const stage of ["build", "stop", "start", "healthy"]) {
        expect(await page.locator(`#chart g.bar[data-seq="1"] rect.k-${stage}`).count()).toBe(1);
      }
      await page.focus('#chart g.bar[data-seq="1"]');
      expect(await page.textContent("#chart-detail")).toMatch(
        /#1 ok .*build 400 ms, stop 120 ms, start 60 ms, healthy 35 ms/,
      );
      expect(await page.textContent("#changes")).toMatch(/1 file → build #1.*main\.go/);
      // Uptime ticks on its own.
      await page.waitForFunction(
        () => document.querySelector("#uptime")?.textContent === "1 s",
        null,
        {
          timeout: 5000,
        },
      );
      // A crash: another colour, and a countdown that goes down.
      d.bus.emit({
        type: "process.exited",
        pid: 200,
        exitCode: 1,
        signal: null,
        requested: false,
        uptimeMs: 1200,
      });
      d.bus.emit({ type: "crash.backoff", attempt: 2, delayMs: 4000, exitCode: 1 });
      d.bus.emit({ type: "phase", phase: "backoff", previous: "crashed" });
      await page.waitForSelector("#backoff:not([hidden])");
      const first = await page.textContent("#backoff");
      expect(first).toMatch(/^restart #2 in [34]\.\ds$/);
      expect(await bg(page, "#phase")).not.toBe(running);
      expect(await page.textContent("#pid")).toBe("—");
      await page.waitForFunction(
        (was) => {
          const now = document.querySelector("#backoff")?.textContent ?? "";
          return (
            Number.parseFloat(now.split(" in ")[1] ?? "") <
            Number.parseFloat(was.split(" in ")[1] ?? "") - 0.4
          );
        },
        first ?? "",
        { timeout: 5000 },
      );
      await screenshot(page, "ui-backoff");
      expect(o.problems).toEqual([]);
    },
    T,
  );

  test(
    "Stop turns into Start when nothing runs, and each sends its command",
    async () => {
      await using d = await startTestDashboard();
      await using o = await openDashboard(browser, d.url);
      const { page } = o;
      d.bus.emit({ type: "process.started", pid: 300 });
      await page.waitForSelector("#stopstart:text('Stop')");
      await page.click("#stopstart");
      await waitUntil(
        () => d.commands.includes("stop"),
        () => `commands: ${d.commands}`,
      );
      d.bus.emit({
        type: "process.exited",
        pid: 300,
        exitCode: 0,
        signal: "SIGTERM",
        requested: true,
        uptimeMs: 10,
      });
      d.bus.emit({ type: "phase", phase: "idle", previous: "stopping" });
      await page.waitForSelector("#stopstart:text('Start')");
      await page.click("#stopstart");
      await waitUntil(
        () => d.commands.includes("start"),
        () => `commands: ${d.commands}`,
      );
      expect(d.commands).toEqual(["stop", "start"]);
    },
    T,
  );

  test(
    "follows the system scheme: dark and light differ, text stays readable",
    async () => {
      await using d = await startTestDashboard();
      reload(d);
      const colours: Record<string, { bg: string; text: string }> = {};
      for (const colorScheme of ["light", "dark"] as const) {
        await using o = await openDashboard(browser, d.url, { colorScheme });
        await o.page.waitForSelector("#phase[data-phase=running]");
        colours[colorScheme] = await o.page.evaluate(() => ({
          bg: getComputedStyle(document.body).backgroundColor,
          text: getComputedStyle(document.body).color,
        }));
        await screenshot(o.page, `ui-${colorScheme}`);
      }
      const luminance = (css: string) => {
        const [r, g, b] = (css.match(/\d+/g) ?? []).map(Number);
        return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
      };
      expect(luminance(colours.dark!.bg)).toBeLessThan(60);
      expect(luminance(colours.light!.bg)).toBeGreaterThan(200);
      expect(luminance(colours.dark!.text)).toBeGreaterThan(180);
      expect(luminance(colours.light!.text)).toBeLessThan(80);
    },
    T,
  );

  test(
    "phone width 390×844: no horizontal scroll with long lines, paths and 50 builds",
    async () => {
      await using d = await startTestDashboard();
      reload(d);
      const reason = `${"very-long-file-name/".repeat(8)}x.go`;
      for (let seq = 2; seq <= 51; seq++) {
        d.bus.emit({ type: "build.started", seq, command: "b", reason });
        const ok = seq % 7 !== 0;
        d.bus.emit({ type: "build.cancelled", seq, reason: ok ? "superseded" : "failed" });
      }
      const deep: FileChange = { path: `${"deep/".repeat(40)}file.go`, kind: "create" };
      d.bus.emit({ type: "changes", changes: [deep], fingerprint: null });
      d.bus.emit({ type: "log", stream: "app", fd: "stdout", line: "y".repeat(2000) });
      d.bus.emit({
        type: "build.finished",
        seq: 52,
        ok: false,
        exitCode: 2,
        signal: null,
        durationMs: 90,
        tail: [`./${"deep/".repeat(30)}main.go:3:2: ${"undefined: foo ".repeat(20)}`],
      });
      await using o = await openDashboard(browser, d.url, {
        viewport: { width: 390, height: 844 },
        isMobile: true,
        hasTouch: true,
      });
      await o.page.waitForSelector("#error:not([hidden])");
      const sizes = await o.page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        client: document.documentElement.clientWidth,
        buttons: [...document.querySelectorAll(".actions button")].map(
          (b) => b.getBoundingClientRect().right,
        ),
      }));
      expect(sizes.client).toBe(390);
      expect(sizes.scroll).toBeLessThanOrEqual(sizes.client);
      for (const right of sizes.buttons) expect(right).toBeLessThanOrEqual(390);
      await screenshot(o.page, "ui-phone-390");
    },
    T,
  );

  test(
    "keyboard: Tab reaches every control with a visible focus ring; Enter and Space activate",
    async () => {
      await using d = await startTestDashboard();
      reload(d);
      await using o = await openDashboard(browser, d.url);
      const { page } = o;
      await page.waitForSelector("#phase[data-phase=running]");
      const reached: string[] = [];
      for (let i = 0; i < 20; i++) {
        await page.keyboard.press("Tab");
        const focused = await page.evaluate(() => {
          const el = document.activeElement as HTMLElement | null;
          if (!el || el === document.body) return null;
          const style = getComputedStyle(el);
          // An SVG chart bar shows focus by stroking its hit area instead of an outline.
          const hit = el.querySelector(".hit");
          const stroked = hit !== null && getComputedStyle(hit).stroke !== "none";
          // The accessible name: aria-label, else the <label> of an input, else the text.
          const label = (el as HTMLInputElement).labels?.[0]?.textContent;
          const name = el.getAttribute("aria-label") || label?.trim() || el.textContent?.trim();
          return {
            id: el.id || (el as HTMLInputElement).value || el.tagName,
            ring:
              stroked ||
              (style.outlineStyle !== "none" && Number.parseFloat(style.outlineWidth) >= 1),
            name,
          };
        });
        if (!focused) continue;
        expect({ id: focused.id, ring: focused.ring }).toEqual({ id: focused.id, ring: true });
        expect({ id: focused.id, named: Boolean(focused.name) }).toEqual({
          id: focused.id,
          named: true,
        });
        reached.push(focused.id);
      }
      for (const id of [
        "rebuild",
        "restart",
        "stopstart",
        "app",
        "build",
        "engine",
        "search",
        "clear",
        "log",
      ])
        expect(reached).toContain(id);
      expect(reached).toContain("g"); // a chart bar (SVG <g>), described by its aria-label
      await page.focus("#rebuild");
      await page.keyboard.press("Enter");
      await page.focus("#restart");
      await page.keyboard.press("Space");
      await waitUntil(
        () => d.commands.length === 2,
        () => `commands: ${d.commands}`,
      );
      expect(d.commands).toEqual(["rebuild", "restart"]);
      // Space toggles a stream filter.
      await page.focus("input[value=app]");
      await page.keyboard.press("Space");
      expect(await page.isChecked("input[value=app]")).toBe(false);
      expect(o.problems).toEqual([]);
    },
    T,
  );
});
