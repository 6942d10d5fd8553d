import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { networkInterfaces } from "node:os";
import { startDashboard } from "../../src/dashboard/server.ts";
import { createEventBus } from "../../src/events/bus.ts";
import {
  openClient,
  rawHttp,
  recordingLogger,
  startTestDashboard,
  statusOf,
  TEST_TOKEN,
  type TestDashboard,
  type UpgradeOptions,
  upgradeRequest,
} from "../helpers/dashboard-harness.ts";

let d: TestDashboard;
beforeAll(async () => {
  d = await startTestDashboard();
});
afterAll(async () => {
  await d.close();
});

function get(path: string, headers: Record<string, string> = {}) {
  return fetch(`${d.origin}${path}`, { headers });
}

function post(body: unknown, headers: Record<string, string>) {
  return fetch(`${d.origin}/api/command`, {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

const good = () => ({
  origin: d.origin,
  "content-type": "application/json",
  "x-hotreload-token": TEST_TOKEN,
});

describe("dashboard security", () => {
  test("binds 127.0.0.1 by default: the URL is loopback and other interfaces refuse", async () => {
    expect(d.url).toBe(`http://127.0.0.1:${d.port}/?token=${TEST_TOKEN}`);
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === "IPv4" && !i.internal);
    if (!external) return; // no non-loopback interface on this machine: nothing more to try
    const reached = await fetch(`http://${external.address}:${d.port}/`).then(
      () => true,
      () => false,
    );
    expect(reached).toBe(false);
  });

  test("a non-loopback host logs a warning", async () => {
    const logs: string[] = [];
    const r = await startDashboard({
      host: "0.0.0.0",
      port: 0,
      bus: createEventBus(),
      config: {},
      onCommand() {},
      log: recordingLogger(logs),
    });
    if (!r.ok) throw new Error(r.error.message);
    await r.value.close();
    expect(logs.find((l) => l.startsWith("warn:"))).toMatch(/listens on 0\.0\.0\.0/);
    expect(r.value.url).toStartWith("http://127.0.0.1:");
  });

  test("a port in use is an error value naming the port with a --dashboard-port hint", async () => {
    const r = await startDashboard({
      host: "127.0.0.1",
      port: d.port,
      bus: createEventBus(),
      config: {},
      onCommand() {},
      log: recordingLogger([]),
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe("dashboard.port-in-use");
    expect(r.error.message).toContain(String(d.port));
    expect(r.error.hint).toContain("--dashboard-port");
  });

  test.each([
    ["evil.example:PORT", 403],
    ["127.0.0.1:1", 403],
    ["localhost", 403],
    ["127.0.0.1:PORT", 200],
    ["localhost:PORT", 200],
    ["[::1]:PORT", 200],
  ])("Host %s → %d (DNS rebinding)", async (host, status) => {
    const h = host.replace("PORT", String(d.port));
    const answer = await rawHttp(
      d.port,
      `GET / HTTP/1.1\r\nHost: ${h}\r\nConnection: close\r\n\r\n`,
    );
    expect(statusOf(answer)).toBe(status);
  });

  test("a request without Host is refused", async () => {
    const answer = await rawHttp(d.port, "GET / HTTP/1.0\r\n\r\n");
    expect([400, 403]).toContain(statusOf(answer));
  });

  test.each<[string, UpgradeOptions, number]>([
    ["missing Origin", { origin: null }, 403],
    ["Origin null", { origin: "null" }, 403],
    ["foreign Origin", { origin: "http://evil.example" }, 403],
    ["Origin with another port", { origin: "http://127.0.0.1:1" }, 403],
    ["no token", { token: null }, 401],
    ["wrong token", { token: "nope" }, 401],
    ["cross-site fetch metadata", { extra: ["Sec-Fetch-Site: cross-site"] }, 403],
    ["same-site fetch metadata", { extra: ["Sec-Fetch-Site: same-site"] }, 403],
    [
      "no-cors fetch metadata",
      { extra: ["Sec-Fetch-Site: same-origin", "Sec-Fetch-Mode: no-cors"] },
      403,
    ],
    ["everything right", {}, 101],
  ])("websocket upgrade with %s → %d", async (_name, options, status) => {
    const answer = await rawHttp(d.port, upgradeRequest(d.port, options));
    expect(statusOf(answer)).toBe(status);
  });

  test("POST /api/command needs token, exact Origin, JSON, same-origin metadata", async () => {
    const cases: [string, Record<string, string>, number][] = [
      ["no token", { ...good(), "x-hotreload-token": "" }, 401],
      ["wrong token", { ...good(), "x-hotreload-token": "x" }, 401],
      ["no Origin", { "content-type": "application/json", "x-hotreload-token": TEST_TOKEN }, 403],
      ["Origin null", { ...good(), origin: "null" }, 403],
      ["foreign Origin", { ...good(), origin: "http://evil.example" }, 403],
      ["text/plain (a simple CORS request)", { ...good(), "content-type": "text/plain" }, 415],
      ["form encoding", { ...good(), "content-type": "application/x-www-form-urlencoded" }, 415],
      ["cross-site", { ...good(), "sec-fetch-site": "cross-site" }, 403],
      [
        "no-cors mode",
        { ...good(), "sec-fetch-mode": "no-cors", "sec-fetch-site": "same-origin" },
        403,
      ],
    ];
    for (const [name, headers, status] of cases) {
      const res = await post({ command: "rebuild" }, headers);
      expect({ name, status: res.status }).toEqual({ name, status });
    }
    expect(d.commands).toEqual([]);
    const ok = await post(
      { command: "restart" },
      { ...good(), authorization: `Bearer ${TEST_TOKEN}` },
    );
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ ok: true, command: "restart", result: "nothing to restart" });
    expect(d.commands).toEqual(["restart"]);
    const bad = await post({ command: "format-disk" }, good());
    expect(bad.status).toBe(400);
    expect(await post("x".repeat(5000), good()).then((r) => r.status)).toBe(413);
    expect(d.commands).toEqual(["restart"]);
  });

  test("GET /api/snapshot needs the token; other methods are refused", async () => {
    expect((await get("/api/snapshot")).status).toBe(401);
    expect((await get("/api/snapshot?token=wrong")).status).toBe(401);
    const res = await get(`/api/snapshot?token=${TEST_TOKEN}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { type: string }).type).toBe("snapshot");
    const foreign = await get(`/api/snapshot?token=${TEST_TOKEN}`, {
      origin: "http://evil.example",
    });
    expect(foreign.status).toBe(403);
    expect((await fetch(`${d.origin}/api/command`)).status).toBe(405);
    expect((await fetch(`${d.origin}/`, { method: "POST", body: "x" })).status).toBe(405);
    expect((await fetch(`${d.origin}/api/command`, { method: "OPTIONS" })).status).toBe(405);
  });

  test("cross-site subresource loads of the page's files are refused; navigation is not", async () => {
    const noCors = { "sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors" };
    expect((await get("/app.js", noCors)).status).toBe(403);
    expect(
      (await get("/", { "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate" })).status,
    ).toBe(200);
  });

  test("every response carries the security headers and never Access-Control-Allow-Origin", async () => {
    const responses = await Promise.all([
      get("/"),
      get("/app.js"),
      get("/theme.css"),
      get("/nope"),
      get("/api/snapshot"),
      get(`/api/snapshot?token=${TEST_TOKEN}`),
      post({ command: "start" }, { ...good(), origin: "http://evil.example" }),
      get("/", { origin: "http://evil.example" }),
    ]);
    for (const res of responses) {
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain("unsafe-inline");
      expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${d.port}`);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("base-uri 'none'");
      expect(csp).toContain("form-action 'none'");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
    }
    const html = await (await get("/")).text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
    expect(html).not.toMatch(/\sstyle=/);
  });

  test("a websocket client with the right Origin and token works; the token never reaches a log", async () => {
    using client = await openClient(d.wsUrl(), d.origin);
    await client.next("snapshot");
    await rawHttp(d.port, upgradeRequest(d.port, { token: `${TEST_TOKEN}x` }));
    await get(`/api/snapshot?token=${TEST_TOKEN}x`);
    expect(d.logs.length).toBeGreaterThan(0); // the refusals above were logged…
    expect(d.logs.filter((l) => l.includes(TEST_TOKEN))).toEqual([]); // …without the token
  });
});
