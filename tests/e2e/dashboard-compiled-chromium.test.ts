/**
 * Issue 6, item 6, end to end: the compiled hotreload binary runs a real project with the
 * dashboard, and real Chromium watches it: building → running after an edit, a log line,
 * Rebuild adding a bar, a failing build with its compiler output; hotreload stopped with
 * SIGINT: "disconnected" at once; started again: the new run refuses the old token (issue
 * 18, item 4) and the page follows the new run once opened from the new URL.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import {
  haveChromium,
  launchChromium,
  openDashboard,
  screenshot,
  unexpectedProblems,
} from "../helpers/dashboard-browser.ts";
import { dashboardUrl, freePort, startHotreload } from "../helpers/hotreload-process.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const top = join(import.meta.dir, "..", "..");
const work = tempDir("hotreload-dash-e2e-");
const binary = join(work.path, "hotreload");
let browser: Browser;

beforeAll(async () => {
  if (!haveChromium) return;
  const build = Bun.spawn(
    [
      process.execPath,
      "build",
      "--compile",
      join(top, "src", "main.ts"),
      "--outfile",
      binary,
      "--no-compile-autoload-dotenv",
      "--no-compile-autoload-bunfig",
    ],
    { cwd: top, stdout: "pipe", stderr: "pipe" },
  );
  const [stderr, code] = await Promise.all([new Response(build.stderr).text(), build.exited]);
  if (code !== 0) throw new Error(`bun build --compile failed: ${stderr}`);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  work[Symbol.dispose]();
});

const server = (version: string) => `const port = Number(process.env.APP_PORT);
Bun.serve({ port, hostname: "127.0.0.1", fetch: () => new Response("ok ${version}") });
console.log("\\x1b[32mlistening\\x1b[0m ${version} on " + port);
`;

const BUILD = `if grep -q BROKEN server.ts; then
  echo "server.ts:2:1: error: BROKEN is not defined" >&2
  exit 1
fi
echo "build ok"
`;

/** Records every phase the header shows, so a short-lived one cannot be missed. */
async function recordPhases(page: Page): Promise<void> {
  await page.evaluate(() => {
    const el = document.querySelector("#phase")!;
    const seen: string[] = [el.getAttribute("data-phase") ?? ""];
    (window as unknown as { phases: string[] }).phases = seen;
    new MutationObserver(() => seen.push(el.getAttribute("data-phase") ?? "")).observe(el, {
      attributes: true,
      attributeFilter: ["data-phase"],
    });
  });
}

const text = (page: Page, selector: string) => page.textContent(selector).then((t) => t ?? "");

describe.skipIf(!haveChromium)("dashboard of the compiled binary in Chromium", () => {
  test("edit, log, Rebuild, failing build, and reconnect after hotreload restarts", async () => {
    using project = tempDir("hotreload-dash-project-");
    const appPort = freePort();
    const dashPort = freePort();
    project.write("server.ts", server("v1"));
    project.write("build.sh", BUILD);
    project.write(
      ".hotreload.yaml",
      `build: sh build.sh
exec: ${process.execPath} server.ts
ext: [.ts]
env:
  APP_PORT: "${appPort}"
health_check:
  enabled: true
  url: http://127.0.0.1:${appPort}/
  interval: 100ms
notifications:
  enabled: false
dashboard:
  enabled: true
  port: ${dashPort}
`,
    );
    const env = { XDG_STATE_HOME: join(project.path, ".state") };
    const run = () => startHotreload([], { cwd: project.path, command: [binary], env });

    await using first = run();
    await first.waitFor("reload.done");
    const firstUrl = await dashboardUrl(first);
    await using o = await openDashboard(browser, firstUrl);
    const { page } = o;
    await page.waitForSelector("#phase[data-phase=running]");
    const firstChild = (await first.waitFor("process.started")).pid;
    expect(await text(page, "#pid")).toBe(String(firstChild));
    expect(await text(page, "#run-pid")).toBe(String(first.proc.pid));

    // An edit: the header goes building → running and the new server's line shows up.
    await recordPhases(page);
    writeFileSync(join(project.path, "server.ts"), server("v2"));
    await page.locator("#log .line", { hasText: "listening v2" }).waitFor({ timeout: 30_000 });
    await page.waitForSelector("#phase[data-phase=running]");
    const phases = await page.evaluate(() => (window as unknown as { phases: string[] }).phases);
    expect(phases.indexOf("building")).toBeGreaterThanOrEqual(0);
    expect(phases.lastIndexOf("running")).toBeGreaterThan(phases.indexOf("building"));
    await page.waitForSelector('#changes .change-outcome:text("build #2")');
    await page.waitForSelector('#chart g.bar[data-seq="2"] rect.k-healthy');
    await screenshot(page, "compiled-1-after-edit");

    // Rebuild from the page: a third bar.
    await page.click("#rebuild");
    // run.ts says the action on the bus (the terminal prints it; here it is --json).
    await first.waitFor(
      "command.requested",
      (e) => e.command === "rebuild" && e.source === "dashboard",
    );
    await page.waitForSelector("#action-result:has-text('rebuild: build #3 started')");
    await page.waitForSelector('#chart g.bar[data-seq="3"]', { timeout: 30_000 });
    await first.waitFor("reload.done", (e) => e.seq === 3, 30_000);

    // A failing build: the error panel with the compiler's output; the old server stays.
    writeFileSync(join(project.path, "server.ts"), `${server("v3")}BROKEN\n`);
    await page.waitForSelector("#error:not([hidden])", { timeout: 30_000 });
    expect(await text(page, "#error-output")).toContain("BROKEN is not defined");
    expect(await text(page, "#error-title")).toMatch(/Build #4 failed at .+ \(exit code 1/);
    expect(await text(page, "#error-meta")).toMatch(/previous server \(pid \d+\) keeps running/);
    expect(await text(page, "#phase")).toBe("build failed");
    await page.waitForSelector('#chart g.bar.o-failed[data-seq="4"]');
    await screenshot(page, "compiled-2-build-failed");
    // The fix restores the running build's bytes: no build (skipped by fingerprint), and
    // the failure gives way to "running" all the same.
    writeFileSync(join(project.path, "server.ts"), server("v2"));
    await first.waitFor("build.skipped", () => true, 30_000);
    await page.waitForSelector("#error[hidden]", { state: "attached", timeout: 30_000 });
    await page.waitForSelector("#phase[data-phase=running]");
    expect(await page.title()).toBe("running · hotreload");

    // Stop hotreload (Ctrl-C): the page says "disconnected" at once and stops the uptime.
    first.proc.kill("SIGINT");
    expect(await first.exited).toBe(0);
    await page.waitForSelector("#phase[data-phase=disconnected]");
    expect(await page.title()).toBe("disconnected · hotreload");
    await page.waitForSelector("#notice[data-kind=warn]:not([hidden])");
    expect(await text(page, "#notice")).toMatch(/not running|Lost the connection/);
    const frozen = await text(page, "#uptime");
    // An observation window, not a wait for something: live, the uptime ticks every second.
    await page.waitForTimeout(1200);
    expect(await text(page, "#uptime")).toBe(frozen);
    await screenshot(page, "compiled-3-disconnected");

    // Start it again: a new run with a new token, which refuses the page's old one (the
    // cookie is deleted); the page says to open the URL the new run printed.
    await using second = run();
    const secondUrl = await dashboardUrl(second);
    const tokenOf = (url: string) => new URL(url).searchParams.get("token");
    expect(tokenOf(secondUrl)).not.toBe(tokenOf(firstUrl));
    await page.waitForSelector("#notice[data-kind=bad]:not([hidden])", { timeout: 30_000 });
    expect(await text(page, "#notice")).toMatch(/restarted .* Open the URL hotreload printed/);
    expect(await page.context().cookies()).toEqual([]);
    expect(tokenOf(page.url())).toBeNull();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await screenshot(page, "compiled-4-old-token-refused");

    // Opened from the terminal's URL, the same tab follows the new run.
    await page.goto(secondUrl);
    await page.waitForSelector("#conn[data-state=open]", { timeout: 15_000 });
    expect(tokenOf(page.url())).toBeNull();
    expect(await text(page, "#run-pid")).toBe(String(second.proc.pid));
    const secondChild = (await second.waitFor("process.started")).pid;
    await page.waitForFunction(
      (pid) => document.querySelector("#pid")?.textContent === pid,
      String(secondChild),
      { timeout: 30_000 },
    );
    expect(secondChild).not.toBe(firstChild);
    await screenshot(page, "compiled-5-new-run");

    // The new run's cookie acts: Rebuild reaches the new run.
    await second.waitFor("reload.done");
    const before = second.count("build.started");
    await page.click("#rebuild");
    await second.waitFor("build.started", () => second.count("build.started") > before, 30_000);
    // The new run refusing the old token (401) is what this test wants to see.
    const refused = /status of 401/;
    expect(unexpectedProblems(o.problems).filter((p) => !refused.test(p))).toEqual([]);
  }, 180_000);
});
