/**
 * Issue 18 in real Chromium, fed by a real dashboard server and bus: the header, tab title
 * and favicon name the state (a failed build stays until a good state, also one skipped by
 * fingerprint; "stopped"; "disconnected" at once), a long build error keeps its head and
 * tail with editor links, actions are pending until acknowledged, the client limit is said
 * as a limit, a new page gets a small snapshot and earlier lines on demand, and the chart's
 * numbers. Screenshots go to the artifacts dir.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import type { EventInput } from "../../src/events/types.ts";
import {
  haveChromium,
  launchChromium,
  openDashboard,
  screenshot,
  unexpectedProblems,
} from "../helpers/dashboard-browser.ts";
import {
  emitGoodBuild,
  openClient,
  startTestDashboard,
  TEST_TOKEN,
  type TestDashboard,
  waitUntil,
} from "../helpers/dashboard-harness.ts";
import { tempDir } from "../helpers/temp-dir.ts";

let browser: Browser;
beforeAll(async () => {
  if (haveChromium) browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

const T = 60_000;
const project = tempDir("hotreload-dash-truth-");
mkdirSync(join(project.path, "src"));
writeFileSync(join(project.path, "src", "main.go"), "package main\n");
afterAll(() => project[Symbol.dispose]());

const text = async (page: Page, selector: string) => (await page.textContent(selector)) ?? "";
const icon = (page: Page) => page.getAttribute("link[rel=icon]", "href");

/** The header, the tab title and the favicon all say `status`. */
async function says(page: Page, status: string): Promise<void> {
  const key = status.replace(" ", "-");
  await page.waitForSelector(`#phase[data-phase="${key}"]`);
  expect(await text(page, "#phase")).toBe(status);
  expect(await page.title()).toBe(`${status} · hotreload`);
  expect(await icon(page)).toBe(`/favicon-${key}.svg`);
}

function failBuild(d: TestDashboard, seq: number, lines: string[]): void {
  d.bus.emit({ type: "build.started", seq, command: "go build", reason: "main.go changed" });
  d.bus.emit({ type: "phase", phase: "building", previous: "running" });
  for (const line of lines) d.bus.emit({ type: "log", stream: "build", fd: "stderr", line });
  d.bus.emit({
    type: "build.finished",
    seq,
    ok: false,
    exitCode: 1,
    signal: null,
    durationMs: 420,
    tail: lines.slice(-40),
  });
  d.bus.emit({ type: "phase", phase: "running", previous: "building" });
}

describe.skipIf(!haveChromium)("dashboard truth in Chromium (issue 18)", () => {
  test(
    "state: header, title and favicon; a failed build until a good state; stopped; disconnected at once",
    async () => {
      const d = await startTestDashboard({
        healthCheck: false,
        editor: { template: "vscode://file/{file}:{line}:{col}", root: project.path },
      });
      await using o = await openDashboard(browser, d.url);
      const { page } = o;
      // The token left the address bar; the page holds it only as an HttpOnly cookie.
      expect(new URL(page.url()).searchParams.has("token")).toBe(false);
      const [cookie] = await page.context().cookies();
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/" });
      expect(await page.evaluate(() => document.cookie)).toBe("");

      d.bus.emit({
        type: "engine.started",
        version: "1",
        root: "/p",
        pid: 1,
        build: "b",
        exec: "e",
      });
      d.bus.emit({ type: "process.started", pid: 100 });
      d.bus.emit({ type: "phase", phase: "running", previous: "starting" });
      await says(page, "running");
      // No health check configured: no "health: checking…".
      expect(await page.isHidden("#health")).toBe(true);

      // A long failing build: the first error and the last line, the count between them.
      const lines = [
        "src/main.go:3:5: undefined: first",
        ...Array.from({ length: 98 }, (_, i) => `filler ${i}`),
        "FAIL the last line",
      ];
      failBuild(d, 2, lines);
      await says(page, "build failed");
      const output = await text(page, "#error-output");
      expect(output).toContain("src/main.go:3:5: undefined: first");
      expect(output).toContain("… 20 lines omitted …");
      expect(output).toContain("FAIL the last line");
      expect(await text(page, "#error-title")).toMatch(
        /Build #2 failed at \d.*\(exit code 1, 420 ms\)/,
      );
      expect(await text(page, "#error-meta")).toBe("The previous server (pid 100) keeps running.");
      const href = await page.getAttribute("#error-output a.editor-link", "href");
      expect(href).toBe(`vscode://file/${project.path.replace(/^\//, "")}/src/main.go:3:5`);
      await screenshot(page, "truth-1-build-failed");

      // The fix restores the running build's bytes: skipped by fingerprint, failure gone.
      d.bus.emit({
        type: "changes",
        changes: [{ path: "main.go", kind: "modify" }],
        fingerprint: "f",
      });
      d.bus.emit({
        type: "build.skipped",
        reason: "the tree fingerprint equals the running build's",
      });
      await page.waitForSelector("#error[hidden]", { state: "attached" });
      await says(page, "running");

      // A build in progress has a ticking timer; a cancelled one is marked.
      d.bus.emit({ type: "build.started", seq: 3, command: "go build", reason: "x" });
      d.bus.emit({ type: "phase", phase: "building", previous: "running" });
      await says(page, "building");
      await page.waitForSelector("#elapsed:not([hidden])");
      expect(await text(page, "#elapsed")).toMatch(/^build #3 · \d s$/);
      await page.waitForFunction(
        () => document.querySelector("#elapsed")?.textContent === "build #3 · 1 s",
      );
      d.bus.emit({ type: "build.cancelled", seq: 3, reason: "a newer change" });
      await page.locator("#log .line", { hasText: "build #3 cancelled: a newer change" }).waitFor();
      expect(await text(page, "#chart-axis")).toContain("#3 ✕");

      // Stopped by the user reads "stopped".
      d.bus.emit({ type: "phase", phase: "stopping", previous: "building" });
      d.bus.emit({
        type: "process.exited",
        pid: 100,
        exitCode: 0,
        signal: null,
        requested: true,
        uptimeMs: 9,
      });
      d.bus.emit({ type: "phase", phase: "idle", previous: "stopping" });
      await says(page, "stopped");
      expect(await text(page, "#stopstart")).toBe("Start");

      // hotreload goes away: "disconnected" at once, buttons off.
      await d.close();
      await says(page, "disconnected");
      expect(await page.isDisabled("#rebuild")).toBe(true);
      await screenshot(page, "truth-2-disconnected");
      expect(unexpectedProblems(o.problems)).toEqual([]);
    },
    T,
  );

  test(
    "tokens: without its cookie the page uses the URL's token from memory, and drops it once refused",
    async () => {
      const first = await startTestDashboard();
      const port = first.port;
      await using o = await openDashboard(browser, first.url);
      const { page } = o;
      // The cookie is gone (blocked, or dropped by a forwarding proxy) and the server restarts
      // with the same token (a stand-in for a blip): the page reconnects with what it has.
      await page.context().clearCookies();
      await first.close();
      await page.waitForSelector("#phase[data-phase=disconnected]");
      const same = await startTestDashboard({ port, token: TEST_TOKEN });
      await page.waitForSelector("#conn[data-state=open]", { timeout: 15_000 });
      same.bus.emit({ type: "phase", phase: "running", previous: "starting" });
      await says(page, "running");
      expect(new URL(page.url()).searchParams.has("token")).toBe(false);
      expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
      await same.close();
      // A new run with a new token refuses it: the page says so and stops trying.
      await using other = await startTestDashboard({
        port,
        token: "another-token-0123456789abcdefghijklmno",
      });
      await page.waitForSelector("#notice[data-kind=bad]:not([hidden])", { timeout: 15_000 });
      expect(await text(page, "#notice")).toMatch(/token is not valid/);
      expect(other.commands).toEqual([]);
      await screenshot(page, "truth-6-token-refused");
    },
    T,
  );

  test(
    "actions: pending until the engine's acknowledgement, then its result, and said in the log",
    async () => {
      await using d = await startTestDashboard({
        onCommand(command) {
          // What run.ts and the engine do: the request is said, then the engine acts.
          d.bus.emit({ type: "command.requested", command, source: "dashboard" });
          d.bus.emit({ type: "process.stopping", pid: 100, signal: "SIGTERM" });
        },
      });
      await using o = await openDashboard(browser, d.url);
      const { page } = o;
      d.bus.emit({ type: "process.started", pid: 100 });
      // Record every label the button shows, to see the pending one however short it is.
      await page.evaluate(() => {
        const seen: string[] = [];
        (window as unknown as { labels: string[] }).labels = seen;
        const button = document.querySelector("#restart")!;
        new MutationObserver(() => seen.push(button.textContent ?? "")).observe(button, {
          childList: true,
          characterData: true,
          subtree: true,
        });
      });
      await page.click("#restart");
      await page.waitForFunction(
        () => document.querySelector("#action-result")?.textContent === "restart: stopping pid 100",
      );
      const labels = await page.evaluate(() => (window as unknown as { labels: string[] }).labels);
      expect(labels).toEqual(["Restarting…", "Restart"]);
      await page
        .locator("#log .line", { hasText: "restart requested from the dashboard" })
        .waitFor();
      await screenshot(page, "truth-3-action-acknowledged");
      expect(unexpectedProblems(o.problems)).toEqual([]);
    },
    T,
  );

  test(
    "limits and snapshot: the client limit is said; a page gets recent lines, earlier ones on demand",
    async () => {
      await using d = await startTestDashboard({ maxClients: 2 });
      const line = "x".repeat(140);
      for (let i = 0; i < 5000; i++) {
        d.bus.emit({ type: "log", stream: "app", fd: "stdout", line: `${i} ${line}` });
      }
      // What a new connection costs: a small snapshot, not the whole ring.
      using client = await openClient(d.wsUrl(), d.origin);
      const raw = await waitUntil(
        () => client.messages[0] && JSON.stringify(client.messages[0]),
        () => "no snapshot",
      );
      console.log(`snapshot with 5000 kept lines of ~145 chars: ${raw.length} bytes`);
      expect(raw.length).toBeLessThan(64 * 1024);
      await using first = await openDashboard(browser, d.url);
      await first.page.waitForFunction(
        () => document.querySelector("#log-count")?.textContent === "200 lines",
      );
      expect(await text(first.page, "#log-more")).toBe("Show 1000 earlier lines (4800 more kept)");
      await first.page.click("#log-more");
      await first.page.waitForFunction(
        () => document.querySelector("#log-count")?.textContent === "1200 lines",
      );
      // Clear empties the server's ring too: nothing earlier to offer, and the clear is said.
      await first.page.click("#clear");
      await first.page
        .locator("#log .line", { hasText: "clear requested from the dashboard" })
        .waitFor();
      expect(await first.page.isHidden("#log-more")).toBe(true);
      expect(await text(first.page, "#log-count")).toBe("1 line");
      // With the client above, a second page is one too many: it says so, and counts down to its next try.
      const context = await browser.newContext();
      try {
        const second = await context.newPage();
        await second.goto(d.url);
        await second.waitForFunction(() =>
          /^Too many dashboard clients \(2\): close another dashboard tab — trying again in \d s/.test(
            document.querySelector("#notice")?.textContent ?? "",
          ),
        );
        // The banner counts down to the next attempt: 3 s after 4 s, within one attempt.
        const notice = () => second.textContent("#notice");
        await second.waitForFunction(
          () =>
            / in [45] s \(attempt \d+\)/.test(document.querySelector("#notice")?.textContent ?? ""),
          null,
          { timeout: 20_000 },
        );
        const [, from, attempt] = / in (\d) s \(attempt (\d+)\)/.exec((await notice()) ?? "") ?? [];
        await second.waitForFunction(
          (expected) => document.querySelector("#notice")?.textContent?.includes(expected),
          ` in ${Number(from) - 1} s (attempt ${attempt})`,
        );
        await screenshot(second, "truth-4-client-limit");
      } finally {
        await context.close();
      }
    },
    T,
  );

  test(
    "numbers: the average leaves out the initial build; an axis of build numbers and times; narrow screens keep timestamps; the log follows after a resize",
    async () => {
      await using d = await startTestDashboard();
      await using o = await openDashboard(browser, d.url, {
        viewport: { width: 390, height: 844 },
      });
      const { page } = o;
      emitGoodBuild(d, 1, 5000); // the start-up build: slow, and not a reload
      d.bus.emit({ type: "reload.done", seq: 1, files: 0, timing: { build: 5000 } });
      for (const seq of [2, 3]) {
        emitGoodBuild(d, seq, 100);
        d.bus.emit({ type: "reload.done", seq, files: 1, timing: { build: 100 } });
      }
      d.bus.emit({ type: "build.started", seq: 4, command: "b", reason: "in progress" });
      await page.waitForSelector('#chart g.bar[data-seq="4"]');
      expect(await text(page, "#builds-summary")).toMatch(
        /^4 shown · average reload 1\d\d ms \(2\)$/,
      );
      const axis = await text(page, "#chart-axis");
      expect(axis).toContain("#4");
      expect(axis).toMatch(/\d{1,2}.\d{2}.\d{2}/);
      const lines: EventInput[] = Array.from({ length: 300 }, (_, i) => ({
        type: "log",
        stream: "app",
        fd: "stdout",
        line: `row ${i}`,
      }));
      for (const e of lines) d.bus.emit(e);
      await page.locator("#log .line", { hasText: "row 299" }).waitFor();
      // Timestamps stay on a phone-width screen.
      expect(await page.isVisible("#log .line .ts")).toBe(true);
      await screenshot(page, "truth-5-phone-chart");
      // Resizing keeps the view at the bottom, and new lines keep coming into view.
      await page.setViewportSize({ width: 1280, height: 500 });
      await page.setViewportSize({ width: 900, height: 900 });
      d.bus.emit({ type: "log", stream: "app", fd: "stdout", line: "after the resize" });
      await page.waitForFunction(() =>
        document
          .querySelector("#log .log-window")
          ?.lastElementChild?.textContent?.endsWith("after the resize"),
      );
      const gap = await page.$eval(
        "#log",
        (el) => el.scrollHeight - el.scrollTop - el.clientHeight,
      );
      expect(gap).toBeLessThan(18);
      expect(await page.isHidden("#follow")).toBe(true);
      // Scrolled up, "N new lines" counts the new lines that are really shown.
      await page.$eval("#log", (el) => {
        el.scrollTop = 0;
      });
      await page.waitForSelector("#follow:not([hidden])");
      for (const stream of ["app", "build", "app", "build", "app"] as const) {
        d.bus.emit({ type: "log", stream, fd: "stdout", line: `new ${stream}` });
      }
      const follow = (label: string) =>
        page.waitForFunction((t) => document.querySelector("#follow")?.textContent === t, label);
      await follow("5 new lines — follow ↓");
      await page.uncheck("input[value=build]");
      await follow("3 new lines — follow ↓");
      await page.check("input[value=build]");
      await follow("5 new lines — follow ↓");
      expect(unexpectedProblems(o.problems)).toEqual([]);
    },
    T,
  );
});
