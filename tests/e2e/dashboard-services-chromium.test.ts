/**
 * The dashboard of a run with two services, in real Chromium against a real hotreload: the
 * service list shows both with their state, a restart of one from the page changes only its
 * pid, the log filter shows only that service's lines, and a failed build of one shows its
 * error panel while the other runs on. Screenshots: tests/artifacts/dashboard/services-*.png.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Locator, Page } from "playwright-core";
import {
  haveChromium,
  launchChromium,
  openDashboard,
  screenshot,
  unexpectedProblems,
} from "../helpers/dashboard-browser.ts";
import { dashboardUrl, freePort, startHotreload } from "../helpers/hotreload-process.ts";
import { tempDir } from "../helpers/temp-dir.ts";

if (!haveChromium)
  console.warn("skipping the services dashboard test: /usr/bin/chromium is missing");

const SERVER = `Bun.serve({ hostname: "127.0.0.1", port: Number(process.env.PORT), fetch: () => new Response("ok") });
console.log(\`\${process.env.NAME} up as \${process.pid}\`);
`;
const BUILD = `if grep -q BROKEN server.ts; then
  echo "server.ts:1:1: error: BROKEN is not defined" >&2
  exit 1
fi
echo "build ok"
`;

function project() {
  const dir = tempDir();
  const service = (name: string) => {
    const port = freePort();
    dir.write(`${name}/server.ts`, SERVER);
    dir.write(`${name}/build.sh`, BUILD);
    return [
      `  ${name}:`,
      `    root: ${name}`,
      "    build: sh build.sh",
      "    exec: bun server.ts",
      `    env: { NAME: ${name}, PORT: "${port}" }`,
      `    health_check: { enabled: true, url: "http://127.0.0.1:${port}/" }`,
    ].join("\n");
  };
  dir.write(
    ".hotreload.yaml",
    [
      "ext: [.ts]",
      "health_check: { interval: 100ms }",
      `dashboard: { enabled: true, port: ${freePort()} }`,
      "services:",
      service("alpha"),
      service("beta"),
      "",
    ].join("\n"),
  );
  return dir;
}

/** Waits until the element's text matches (deadline-bounded, as playwright's waitFor). */
const textMatches = (locator: Locator, text: RegExp) =>
  locator.filter({ hasText: text }).waitFor({ timeout: 10_000 });
const exactly = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);

const row = (page: Page, name: string) => page.locator(`#service-rows tr[data-service="${name}"]`);

describe.skipIf(!haveChromium)("the dashboard with two services", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  test("list, restart of one, log filter, a failed build of one", async () => {
    using dir = project();
    await using hr = startHotreload([], { cwd: dir.path });
    const healthy = async (name: string, from = 0) =>
      (await hr.waitFor("health.ok", (e) => e.service === name, 30_000, from)).pid;
    const alphaPid = await healthy("alpha");
    const betaPid = await healthy("beta");
    await using o = await openDashboard(browser, await dashboardUrl(hr));
    const { page } = o;

    // The list names both, with the state word, health and pid; "all" is picked.
    for (const [name, pid] of [
      ["alpha", alphaPid],
      ["beta", betaPid],
    ] as const) {
      await textMatches(row(page, name).locator(".phase"), exactly("running"));
      expect(await row(page, name).locator("td.pid").textContent()).toBe(String(pid));
      expect(await row(page, name).locator("td.health").textContent()).toMatch(/^healthy/);
    }
    expect(await row(page, "").getAttribute("aria-selected")).toBe("true");
    expect(await page.locator("#phase").textContent()).toBe("running");
    expect(await page.locator("#builds").isVisible()).toBe(false);
    expect(await page.locator("#pid").textContent()).toBe("2 of 2");
    await screenshot(page, "services-list");

    // Restart beta from the page: only beta gets a new process.
    await row(page, "beta").locator("button").click();
    expect(await page.locator("#actions-for").textContent()).toBe("beta:");
    expect(await page.locator("#pid").textContent()).toBe(String(betaPid));
    const mark = hr.events.length;
    await page.locator("#restart").click();
    await textMatches(
      page.locator("#action-result"),
      new RegExp(`^restart beta: stopping pid ${betaPid}`),
    );
    const requested = await hr.waitFor("command.requested", () => true, 10_000, mark);
    expect(requested).toMatchObject({ command: "restart", service: "beta" });
    const newBeta = await healthy("beta", mark);
    expect(newBeta).not.toBe(betaPid);
    await textMatches(row(page, "beta").locator("td.pid"), exactly(String(newBeta)));
    expect(await row(page, "alpha").locator("td.pid").textContent()).toBe(String(alphaPid));
    expect(
      hr.events.slice(mark).filter((e) => e.type === "process.started" && e.service === "alpha"),
    ).toEqual([]);
    await page
      .locator("#log .line", { hasText: "restart requested from the dashboard for beta" })
      .waitFor({ timeout: 10_000 });

    // The log filter: only alpha's lines.
    await page.locator("#service-filter").selectOption("alpha");
    await page.locator("#log .line", { hasText: "alpha up as" }).waitFor({ timeout: 10_000 });
    const tags = await page.locator("#log .line .tag").allTextContents();
    expect(tags.length).toBeGreaterThan(0);
    expect(tags.filter((t) => !t.startsWith("alpha "))).toEqual([]);
    expect(await page.locator("#log .line", { hasText: "beta up as" }).count()).toBe(0);
    await screenshot(page, "services-filter");

    // A failed build of beta: its error panel, while alpha runs on.
    await row(page, "beta").locator("button").click();
    const broken = hr.events.length;
    dir.write("beta/server.ts", `BROKEN\n${SERVER}`);
    await hr.waitFor("build.finished", (e) => e.service === "beta" && !e.ok, 30_000, broken);
    await page.locator("#error").waitFor({ state: "visible", timeout: 10_000 });
    expect(await page.locator("#error-output").textContent()).toContain("BROKEN is not defined");
    expect(await page.locator("#error-meta").textContent()).toContain(
      `The previous server (pid ${newBeta}) keeps running.`,
    );
    expect(await page.locator("#phase").textContent()).toBe("build failed");
    expect(await row(page, "beta").locator(".phase").textContent()).toBe("build failed");
    expect(await row(page, "alpha").locator(".phase").textContent()).toBe("running");
    expect(await row(page, "alpha").locator("td.pid").textContent()).toBe(String(alphaPid));
    await screenshot(page, "services-failed");
    // Alpha picked: no error panel, its own header.
    await row(page, "alpha").locator("button").click();
    expect(await page.locator("#error").isVisible()).toBe(false);
    expect(await page.locator("#phase").textContent()).toBe("running");
    // At phone width the list scrolls inside its panel; the page itself never sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    await row(page, "").locator("button").click();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, "services-phone-390");
    expect(unexpectedProblems(o.problems)).toEqual([]);

    hr.proc.kill("SIGINT");
    expect(await hr.exited).toBe(0);
  }, 120_000);
});
