import { expect, test } from "bun:test";
import {
  allowedHosts,
  allowedOrigins,
  checkFetchMetadata,
  checkHost,
  checkOrigin,
  hostForUrl,
  isLoopback,
  randomToken,
  requestToken,
  tokensEqual,
} from "../../src/dashboard/guards.ts";

const req = (headers: Record<string, string>, url = "http://127.0.0.1:3000/") =>
  new Request(url, { headers });

test("the Host allow-list has the loopback names and the configured host, with the port", () => {
  expect([...allowedHosts("127.0.0.1", 3000)].sort()).toEqual([
    "127.0.0.1:3000",
    "[::1]:3000",
    "localhost:3000",
  ]);
  expect(allowedHosts("192.168.1.5", 8080).has("192.168.1.5:8080")).toBe(true);
  expect(allowedHosts("::1", 80).has("[::1]")).toBe(true); // port 80 is left out by browsers
  const hosts = allowedHosts("127.0.0.1", 3000);
  expect(checkHost(req({ host: "LOCALHOST:3000" }), hosts).ok).toBe(true);
  expect(checkHost(req({ host: "evil.example:3000" }), hosts).ok).toBe(false);
  expect(checkHost(req({ host: "localhost:3001" }), hosts).ok).toBe(false);
  expect(checkHost(req({ host: "localhost" }), hosts).ok).toBe(false);
});

test("Origin must match exactly; null and missing are refused", () => {
  const origins = allowedOrigins(allowedHosts("127.0.0.1", 3000));
  expect(checkOrigin(req({ origin: "http://localhost:3000" }), origins).ok).toBe(true);
  for (const origin of [
    "null",
    "http://localhost:3000/",
    "https://localhost:3000",
    "http://localhost:30000",
    "http://evil.example",
  ]) {
    expect(checkOrigin(req({ origin }), origins)).toMatchObject({ ok: false, status: 403 });
  }
  expect(checkOrigin(req({}), origins)).toEqual({
    ok: false,
    status: 403,
    reason: "missing Origin header",
  });
});

test("Fetch Metadata: cross-site subresources and no-cors API calls are refused", () => {
  const meta = (site: string, mode: string) =>
    req({ "sec-fetch-site": site, "sec-fetch-mode": mode });
  expect(checkFetchMetadata(meta("cross-site", "navigate"), "asset").ok).toBe(true);
  expect(checkFetchMetadata(meta("cross-site", "no-cors"), "asset").ok).toBe(false);
  expect(checkFetchMetadata(meta("same-origin", "cors"), "api").ok).toBe(true);
  expect(checkFetchMetadata(meta("same-origin", "websocket"), "api").ok).toBe(true);
  expect(checkFetchMetadata(meta("same-origin", "no-cors"), "api").ok).toBe(false);
  expect(checkFetchMetadata(meta("cross-site", "cors"), "api").ok).toBe(false);
  expect(checkFetchMetadata(meta("same-site", "cors"), "api").ok).toBe(false);
  expect(checkFetchMetadata(req({}), "api").ok).toBe(true); // curl sends none
});

test("tokens come from the query, X-Hotreload-Token or a bearer header, and compare exactly", () => {
  expect(requestToken(req({}), new URL("http://h/?token=abc"))).toBe("abc");
  expect(requestToken(req({ "x-hotreload-token": "def" }), new URL("http://h/"))).toBe("def");
  expect(requestToken(req({ authorization: "Bearer ghi" }), new URL("http://h/"))).toBe("ghi");
  expect(requestToken(req({}), new URL("http://h/"))).toBeNull();
  expect(tokensEqual("abc", "abc")).toBe(true);
  expect(tokensEqual("abc", "abd")).toBe(false);
  expect(tokensEqual("ab", "abc")).toBe(false);
  expect(tokensEqual("", "abc")).toBe(false);
});

test("random tokens are 32 bytes of base64url and differ per call", () => {
  const a = randomToken();
  expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(randomToken()).not.toBe(a);
});

test("loopback detection and URL hosts", () => {
  expect(["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"].every(isLoopback)).toBe(true);
  expect(["0.0.0.0", "::", "192.168.0.2", "example.com"].some(isLoopback)).toBe(false);
  expect(hostForUrl("::1")).toBe("[::1]");
  expect(hostForUrl("127.0.0.1")).toBe("127.0.0.1");
});
