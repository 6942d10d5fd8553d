import { describe, expect, test } from "bun:test";
import {
  escapeHtml,
  isNavigation,
  reasonLine,
  retryAfter,
  statusHtml,
} from "../../src/proxy/serve-status.ts";

const req = (headers: Record<string, string>, method = "GET") =>
  new Request("http://localhost/", { method, headers });

describe("status answers", () => {
  test("escapes the five HTML specials", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;",
    );
  });

  test("a navigation is Sec-Fetch-Mode navigate, or Accept text/html without Fetch Metadata", () => {
    expect(isNavigation(req({ "sec-fetch-mode": "navigate", accept: "text/html" }))).toBe(true);
    expect(isNavigation(req({ "sec-fetch-mode": "cors", accept: "text/html" }))).toBe(false);
    expect(isNavigation(req({ accept: "text/html,application/xhtml+xml" }))).toBe(true);
    expect(isNavigation(req({ accept: "application/json" }))).toBe(false);
    expect(isNavigation(req({ accept: "text/html" }, "POST"))).toBe(false);
  });

  test("one line per status, control characters removed; Retry-After from the backoff", () => {
    const failed = {
      kind: "build-failed" as const,
      detail: ["# app", "\x1b[31ma.go:1:2: undefined: x\x1b[0m\r", "exit status 1"],
      hold: false,
    };
    // The line that says what went wrong (as the notification picks it), without ANSI codes.
    expect(reasonLine(failed, "app", "not-held")).toBe(
      "hotreload: the last build of app failed: a.go:1:2: undefined: x",
    );
    expect(reasonLine({ kind: "stopped", hold: false }, "app", "hold-timeout")).toBe(
      "hotreload: app is stopped (waited for the hold timeout)",
    );
    expect(retryAfter({ kind: "backoff", retryInMs: 8001, hold: true })).toBe(9);
    expect(retryAfter({ kind: "building", hold: true })).toBe(1);
  });

  test("the page escapes the app name and the detail, and drops ANSI codes", () => {
    const html = statusHtml({
      status: {
        kind: "crashed",
        retryInMs: 2000,
        detail: ["\x1b[31m</pre><script>x()</script>"],
        hold: false,
      },
      version: 3,
      app: "a&b",
      cause: "not-held",
      showDetail: true,
    });
    expect(html).toContain('data-hotreload-version="3"');
    expect(html).toContain(
      '<h1 id="headline">a&amp;b crashed, retrying in <span id="retry-in" data-seconds="2">2</span> s</h1>',
    );
    expect(html).toContain("&lt;/pre&gt;&lt;script&gt;x()&lt;/script&gt;</pre>");
    expect(html).not.toContain("\x1b");
    expect(html.match(/<script/g)?.length).toBe(1);
  });
});
