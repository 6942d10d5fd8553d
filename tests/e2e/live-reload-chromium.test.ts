/**
 * Browser live reload end to end: hotreload with its proxy in front of the Bun example,
 * its /page open in real Chromium. A save reloads the page exactly once, onto the new
 * server; a broken build shows the overlay over the old server's page and the fix takes
 * it down with the reload; a stylesheet save restyles the page with no reload, no build
 * and no restart.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import {
  haveChromium,
  launchChromium,
  recordAppProblems,
  screenshot,
} from "../helpers/dashboard-browser.ts";
import { startHotreload } from "../helpers/hotreload-process.ts";
import { BUN, startProxied } from "../helpers/proxy-flow.ts";

let browser: Browser;
beforeAll(async () => {
  if (haveChromium) browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

const live = (page: Page) => page.waitForSelector("html[data-hotreload-live]", { timeout: 15_000 });
const version = (page: Page) => page.textContent("#version");

describe.skipIf(!haveChromium)("live reload in Chromium (Bun example behind the proxy)", () => {
  test("save → one reload after the swap (scroll kept) · broken build → overlay · fix → v3 · CSS → restyled in place · crash → overlay, reload on restart · hotreload restarted → the tab reconnects", async () => {
    await using run = await startProxied(BUN, "", 120_000);
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    const page = await context.newPage();
    const problems = recordAppProblems(page);
    let loads = 0;
    page.on("load", () => loads++);
    try {
      await page.goto(`${run.base}/page`);
      await live(page);
      expect(await version(page)).toBe("version 1.0.0");
      expect(await page.locator("script[src='/__hotreload/client.js']").count()).toBe(1);
      await page.evaluate(() => window.scrollTo(0, 1200));
      loads = 0;

      // One save: the page reloads once, and that load already shows the new server.
      const reloaded = page.waitForEvent("load", { timeout: 60_000 });
      await run.setVersion("2.0.0");
      await reloaded;
      expect(await version(page)).toBe("version 2.0.0");
      await live(page);
      await page.waitForFunction(() => window.scrollY === 1200, null, { timeout: 5000 });
      // The reload was sent after reload.done (the swap), never twice.
      expect(loads).toBe(1);

      // A broken build: the old server keeps serving, the page shows the error over it.
      const handler = join(run.dir, "handler.ts");
      const good = readFileSync(handler, "utf8");
      run.editHandler((text) => `${text}\nexport const broken = ;\n`);
      const output = page.locator("hotreload-overlay .output");
      await output.waitFor({ timeout: 60_000 });
      expect(await output.textContent()).toContain("handler.ts");
      expect(await page.locator("hotreload-overlay .err").count()).toBeGreaterThan(0);
      expect(await page.locator("hotreload-overlay .meta").textContent()).toContain(
        "previous server is still running",
      );
      expect(
        await page.locator("hotreload-overlay a.editor-link").first().getAttribute("href"),
      ).toStartWith("vscode://file/");
      await screenshot(page, "build-failed-overlay", "live-reload");
      expect(loads).toBe(1);

      // The fix, with v3: the overlay goes with the reload onto the new server.
      const fixed = page.waitForEvent("load", { timeout: 60_000 });
      writeFileSync(handler, good.replace('"2.0.0"', '"3.0.0"'));
      await fixed;
      expect(await version(page)).toBe("version 3.0.0");
      await live(page);
      expect(await page.locator("hotreload-overlay").count()).toBe(0);
      expect(loads).toBe(2);

      // A stylesheet: restyled in place, typed input kept, no build, no restart.
      await page.fill("#notes", "typed before the CSS save");
      const builds = run.hr.events.filter((e) => e.type === "build.started").length;
      const starts = run.hr.events.filter((e) => e.type === "process.started").length;
      const from = run.hr.events.length;
      const css = join(run.dir, "public", "style.css");
      writeFileSync(css, readFileSync(css, "utf8").replace("rgb(20, 90, 200)", "rgb(200, 30, 30)"));
      await page.waitForFunction(
        () =>
          getComputedStyle(document.getElementById("version") as Element).color ===
          "rgb(200, 30, 30)",
        null,
        { timeout: 30_000 },
      );
      await run.hr.waitFor("browser.reload", (e) => e.css === true, 10_000, from);
      expect(await page.inputValue("#notes")).toBe("typed before the CSS save");
      expect(loads).toBe(2);
      expect(run.hr.events.filter((e) => e.type === "build.started").length).toBe(builds);
      expect(run.hr.events.filter((e) => e.type === "process.started").length).toBe(starts);
      await screenshot(page, "css-swapped", "live-reload");

      // A crash: the server's last lines and the backoff countdown, gone with the reload
      // once the restarted server is ready.
      const crashed = page.locator("hotreload-overlay .panel.crashed");
      await fetch(`${run.base}/crash`);
      await crashed.waitFor({ timeout: 30_000 });
      expect(await page.locator("hotreload-overlay .countdown").textContent()).toMatch(/^\d+$/);
      await screenshot(page, "crash-overlay", "live-reload");
      await page.waitForEvent("load", { timeout: 60_000 });
      await live(page);
      expect(await page.locator("hotreload-overlay").count()).toBe(0);
      expect(await version(page)).toBe("version 3.0.0");
      expect(loads).toBe(3);

      // hotreload itself restarts (same project, same port): the open tab reconnects by
      // itself and reloads once the new run serves.
      await run.hr[Symbol.asyncDispose]();
      await page.waitForSelector("html:not([data-hotreload-live])", { timeout: 15_000 });
      const restartedLoad = page.waitForEvent("load", { timeout: 120_000 });
      await using again = startHotreload([], {
        cwd: run.dir,
        env: {
          XDG_CACHE_HOME: join(run.dir, "..", "cache"),
          XDG_STATE_HOME: join(run.dir, "..", "state"),
        },
      });
      await again.waitFor("reload.done", undefined, 120_000);
      await restartedLoad;
      await live(page);
      expect(await version(page)).toBe("version 3.0.0");
      expect(loads).toBe(4);
      // Problems while hotreload was gone: the events stream failing to connect.
      expect(problems.filter((p) => !p.includes("__hotreload/events"))).toEqual([]);
    } finally {
      await context.close();
    }
  }, 240_000);
});
