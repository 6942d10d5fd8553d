/**
 * The live-reload injection in real Chromium and over real sockets, with the proxy alone
 * in front of a Bun.serve app (no engine): a gzip'd page and a strict-CSP page get a
 * working client, a tab reconnects to a restarted proxy and reloads, and whatever is not
 * an HTML navigation passes byte for byte.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { gzipSync } from "node:zlib";
import type { Browser, Page } from "playwright-core";
import {
  haveChromium,
  launchChromium,
  recordAppProblems,
  screenshot,
} from "../helpers/dashboard-browser.ts";
import { freePort } from "../helpers/hotreload-process.ts";
import { startProxy, startUpstream } from "../helpers/proxy-harness.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const PAGE = "<!doctype html><html><head><title>t</title></head><body><h1>app</h1></body></html>";
const STRICT =
  "default-src 'none'; script-src 'nonce-appnonce' 'strict-dynamic'; style-src 'self'; base-uri 'none'";

let browser: Browser;
beforeAll(async () => {
  if (haveChromium) browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

async function opened(url: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = recordAppProblems(page);
  await page.goto(url);
  return { page, problems, [Symbol.asyncDispose]: () => context.close() };
}

const live = (page: Page) => page.waitForSelector("html[data-hotreload-live]", { timeout: 10_000 });

describe("live-reload injection (proxy only)", () => {
  test("non-HTML and fragments pass byte for byte; a navigation gets exactly one tag", async () => {
    const binary = new Uint8Array(300_000).map((_, i) => (i * 7) % 256);
    await using app = startUpstream("app", (req) => {
      const path = new URL(req.url).pathname;
      if (path === "/bin")
        return new Response(binary, { headers: { "content-type": "application/octet-stream" } });
      return new Response(PAGE, { headers: { "content-type": "text/html; charset=utf-8" } });
    });
    await using proxy = await startProxy({ liveReload: true });
    proxy.route(app.target);
    const bin = await fetch(`${proxy.url}/bin`, { headers: { accept: "text/html" } });
    expect(new Uint8Array(await bin.arrayBuffer())).toEqual(binary);
    // An htmx swap or a fetch() of HTML is a fragment, not a page: untouched.
    const fragment = await fetch(`${proxy.url}/`, { headers: { "sec-fetch-dest": "empty" } });
    expect(await fragment.text()).toBe(PAGE);
    const htmx = await fetch(`${proxy.url}/`, {
      headers: { accept: "text/html", "hx-request": "true" },
    });
    expect(await htmx.text()).toBe(PAGE);
    const nav = await fetch(`${proxy.url}/`, { headers: { "sec-fetch-dest": "document" } });
    const text = await nav.text();
    // The app's length is gone; Bun announces the new one when the stream ended at once.
    expect(nav.headers.get("content-length") ?? String(text.length)).toBe(String(text.length));
    expect(text).toBe(
      PAGE.replace("</head>", '<script src="/__hotreload/client.js" async></script></head>'),
    );
  });

  test("client.js is guarded like the other /__hotreload/ paths: Host allow-list, read-only, no cross-site reads", async () => {
    await using proxy = await startProxy({ liveReload: true });
    const url = `${proxy.url}/__hotreload/client.js`;
    const ok = await fetch(url);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toStartWith("text/javascript");
    expect(await ok.text()).toContain("/__hotreload/events");
    expect((await fetch(url, { headers: { host: "evil.example" } })).status).toBe(403);
    expect((await fetch(url, { method: "POST" })).status).toBe(405);
    const crossSite = await fetch(`${proxy.url}/__hotreload/events`, {
      headers: { "sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors" },
    });
    expect(crossSite.status).toBe(403);
  });

  test("--no-live-reload turns it off in the resolved configuration", async () => {
    using dir = tempDir();
    dir.write(".hotreload.yaml", 'build: "true"\nexec: ./server\n');
    const main = `${import.meta.dir}/../../src/main.ts`;
    const proc = Bun.spawn(
      [process.execPath, main, "check", "--no-live-reload", "--proxy", "8080"],
      {
        cwd: dir.path,
        stdout: "pipe",
        stderr: "pipe",
      },
    );
    const [out, err, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    expect({ code, err }).toEqual({ code: 0, err: "" });
    expect(out).toContain("live_reload:\n  enabled: false\n");
  });

  test("live reload off: the page is byte-identical and client.js is not served", async () => {
    await using app = startUpstream(
      "app",
      () => new Response(PAGE, { headers: { "content-type": "text/html" } }),
    );
    await using proxy = await startProxy();
    proxy.route(app.target);
    const nav = await fetch(`${proxy.url}/`, { headers: { "sec-fetch-dest": "document" } });
    expect(await nav.text()).toBe(PAGE);
    expect((await fetch(`${proxy.url}/__hotreload/client.js`)).status).toBe(404);
  });
});

describe.skipIf(!haveChromium)("live-reload injection in Chromium", () => {
  test("an app that gzips anyway: the page is decoded, gets the client, and the app was asked for identity", async () => {
    const asked: (string | null)[] = [];
    await using app = startUpstream("app", (req) => {
      if (new URL(req.url).pathname !== "/") return new Response("nope", { status: 404 });
      asked.push(req.headers.get("accept-encoding"));
      return new Response(gzipSync(PAGE), {
        headers: { "content-type": "text/html", "content-encoding": "gzip" },
      });
    });
    await using proxy = await startProxy({ liveReload: true });
    proxy.route(app.target);
    await using tab = await opened(`${proxy.url}/`);
    await live(tab.page);
    expect(await tab.page.textContent("h1")).toBe("app");
    expect(asked).toEqual(["identity"]);
    expect(tab.problems).toEqual([]);
  });

  test("a strict nonce + strict-dynamic CSP: the client runs (a nonce for this response only), the overlay shows, no violation", async () => {
    await using app = startUpstream(
      "app",
      () =>
        new Response(PAGE, {
          headers: { "content-type": "text/html", "content-security-policy": STRICT },
        }),
    );
    await using proxy = await startProxy({ liveReload: true });
    proxy.route(app.target);
    const first = await fetch(`${proxy.url}/`, { headers: { "sec-fetch-dest": "document" } });
    const second = await fetch(`${proxy.url}/`, { headers: { "sec-fetch-dest": "document" } });
    const nonceOf = (r: Response) =>
      /'nonce-([^']+)' *(;|$)/.exec(r.headers.get("content-security-policy") ?? "")?.[1];
    expect(nonceOf(first)).toBeString();
    expect(nonceOf(first)).not.toBe(nonceOf(second));
    await using tab = await opened(`${proxy.url}/`);
    const violations: string[] = [];
    await tab.page.exposeFunction("cspViolation", (v: string) => violations.push(v));
    await tab.page.evaluate(() =>
      document.addEventListener("securitypolicyviolation", (e) =>
        (window as unknown as { cspViolation(v: string): void }).cspViolation(
          `${e.violatedDirective} ${e.blockedURI}`,
        ),
      ),
    );
    await live(tab.page);
    proxy.live({
      type: "overlay",
      overlay: {
        kind: "build-failed",
        id: 1,
        at: Date.now(),
        lines: ["\u001b[31merror\u001b[0m: main.go:3:1: <img src=x onerror=alert(1)>"],
        links: [{ text: "main.go:3:1", href: "vscode://file/tmp/main.go:3:1" }],
        exitCode: 1,
        signal: null,
        serverRunning: true,
        retryInMs: null,
      },
    });
    const output = tab.page.locator("hotreload-overlay .output");
    await output.waitFor({ timeout: 10_000 });
    expect(await output.textContent()).toBe("error: main.go:3:1: <img src=x onerror=alert(1)>\n");
    expect(await tab.page.locator("hotreload-overlay img").count()).toBe(0);
    expect(await tab.page.locator("hotreload-overlay a.editor-link").getAttribute("href")).toBe(
      "vscode://file/tmp/main.go:3:1",
    );
    // Styled from its adopted stylesheet despite style-src 'self'.
    const position = await tab.page.evaluate(() => {
      const host = document.querySelector("hotreload-overlay");
      const backdrop = host?.shadowRoot?.querySelector(".backdrop") as Element;
      return getComputedStyle(backdrop).position;
    });
    expect(position).toBe("fixed");
    await screenshot(tab.page, "strict-csp-overlay", "live-reload");
    await tab.page.keyboard.press("Escape");
    expect(await tab.page.locator("hotreload-overlay").count()).toBe(0);
    expect(violations).toEqual([]);
    expect(tab.problems).toEqual([]);
  });

  test("a tab opened before hotreload restarted reconnects by itself and reloads once the new one serves", async () => {
    await using app = startUpstream(
      "app",
      () => new Response(PAGE, { headers: { "content-type": "text/html" } }),
    );
    const port = freePort();
    const before = await startProxy({ liveReload: true, port });
    before.route(app.target);
    await using tab = await opened(`http://127.0.0.1:${port}/`);
    await live(tab.page);
    let loads = 0;
    tab.page.on("load", () => loads++);
    await before.close();
    await tab.page.waitForSelector("html:not([data-hotreload-live])", { timeout: 10_000 });
    await using after = await startProxy({ liveReload: true, port });
    after.route(app.target);
    await tab.page.waitForEvent("load", { timeout: 20_000 });
    await live(tab.page);
    expect(loads).toBe(1);
  });
});
