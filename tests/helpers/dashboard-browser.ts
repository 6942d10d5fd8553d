/**
 * Chromium for the dashboard e2e tests: Debian's /usr/bin/chromium driven by playwright-core,
 * pages that record console errors, CSP violations and failed requests, and screenshots
 * written as test artifacts ($HOTRELOAD_ARTIFACTS, else tests/artifacts/, git-ignored).
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type BrowserContextOptions, chromium, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
export const haveChromium = existsSync(CHROMIUM);

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

/** launch() gives every run a fresh temporary profile (user-data dir), removed on close. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

export interface OpenedPage {
  page: Page;
  /** Console errors and warnings, page errors, failed requests, HTTP errors. */
  problems: string[];
  [Symbol.asyncDispose](): Promise<void>;
}

/** Opens `url` in a new context and waits until the page's websocket is live. */
export async function openDashboard(
  browser: Browser,
  url: string,
  options: BrowserContextOptions = {},
): Promise<OpenedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
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
  await page.goto(url);
  await page.waitForSelector("#conn[data-state=open]", { timeout: 15_000 });
  return { page, problems, [Symbol.asyncDispose]: () => context.close() };
}

/**
 * Records an app page's problems: page errors, console errors, HTTP errors other than a
 * missing favicon (the example apps have none; Chromium's console line for an HTTP error
 * is left to the response check, which names the URL).
 */
export function recordAppProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource"))
      problems.push(m.text());
  });
  page.on("response", (r) => {
    if (r.status() >= 400 && !r.url().endsWith("/favicon.ico"))
      problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return problems;
}

/** Problems other than the refused connections expected while a server is down. */
export function unexpectedProblems(problems: string[]): string[] {
  return problems.filter((p) => !/WebSocket|ERR_CONNECTION_REFUSED|api\/status/.test(p));
}

export function artifactsDir(area = "dashboard"): string {
  const base = process.env.HOTRELOAD_ARTIFACTS || join(import.meta.dir, "..", "artifacts");
  const dir = join(base, area);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Saves a full-page PNG and prints where it went. */
export async function screenshot(page: Page, name: string, area = "dashboard"): Promise<string> {
  const path = join(artifactsDir(area), `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  console.log(`screenshot: ${path}`);
  return path;
}
