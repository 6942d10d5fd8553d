/**
 * The proxy's status page in real Chromium: shown while nothing can serve, updated when the
 * status changes, replaced by the app itself once route() names an instance — with no
 * console errors and no CSP violations on the way.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { haveChromium, launchChromium, screenshot } from "../helpers/dashboard-browser.ts";
import { startProxy, startUpstream } from "../helpers/proxy-harness.ts";

let browser: Browser;
beforeAll(async () => {
  if (haveChromium) browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe.skipIf(!haveChromium)("proxy status page in Chromium", () => {
  test("building → build failed (escaped output) → crashed (counting down) → the app, each without a manual reload", async () => {
    await using app = startUpstream(
      "app",
      () =>
        new Response("<!doctype html><title>the app</title><h1 id=app>hello from the app</h1>", {
          headers: { "content-type": "text/html" },
        }),
    );
    await using proxy = await startProxy({ appName: "demo" });
    proxy.setStatus({ kind: "building", hold: false });
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" && !/503/.test(m.text())) problems.push(m.text());
    });
    page.on("pageerror", (e) => problems.push(e.message));
    try {
      await page.goto(`${proxy.url}/dashboard?x=1`);
      expect(await page.textContent("#headline")).toBe("demo is building");
      // The page listens for status changes once its event stream is open.
      await page.waitForSelector("html[data-live]");
      proxy.setStatus({
        kind: "build-failed",
        detail: ["<img src=x onerror=alert(1)> main.go:3"],
        hold: false,
      });
      await page.waitForSelector("html[data-kind=build-failed][data-live]", { timeout: 10_000 });
      expect(await page.textContent("#detail")).toBe("<img src=x onerror=alert(1)> main.go:3");
      expect(await page.$("#detail img")).toBeNull();
      await screenshot(page, "proxy-status-build-failed");
      proxy.setStatus({ kind: "crashed", retryInMs: 3000, hold: false });
      await page.waitForSelector("html[data-kind=crashed][data-live]", { timeout: 10_000 });
      expect(await page.textContent("#headline")).toBe("demo crashed, retrying in 3 s");
      // The seconds count down on the page while the backoff runs.
      await page.waitForFunction(
        () => document.getElementById("retry-in")?.textContent === "2",
        null,
        { timeout: 5000 },
      );
      proxy.route(app.target);
      await page.waitForSelector("#app", { timeout: 10_000 });
      expect(page.url()).toBe(`${proxy.url}/dashboard?x=1`);
      expect(await page.textContent("#app")).toBe("hello from the app");
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
