/**
 * dashboard.allowed_hosts against a started dashboard, with raw HTTP and real websockets
 * sending the Host and Origin a published port (`-p 127.0.0.1:9000:3000`) or a forwarded
 * URL would: the allowed ones reach the page, the websocket and the actions; look-alikes
 * are refused; the token, Origin and Fetch Metadata checks still apply.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startDashboard } from "../../src/dashboard/server.ts";
import { createEventBus } from "../../src/events/bus.ts";
import {
  rawHttp,
  recordingLogger,
  startTestDashboard,
  statusOf,
  TEST_TOKEN,
  type TestDashboard,
  type UpgradeOptions,
  upgradeRequest,
  waitUntil,
} from "../helpers/dashboard-harness.ts";

const PUBLISHED = "localhost:9000";
const FORWARDED = "hr-3000.dev.example.org";

let d: TestDashboard;
beforeAll(async () => {
  d = await startTestDashboard({ allowedHosts: [PUBLISHED, ".dev.example.org"] });
});
afterAll(async () => {
  await d.close();
});

function page(host: string, path = "/"): Promise<string> {
  return rawHttp(d.port, `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
}

function upgrade(options: UpgradeOptions): Promise<string> {
  return rawHttp(d.port, upgradeRequest(d.port, options));
}

function action(host: string, origin: string | null, token = TEST_TOKEN): Promise<string> {
  const body = JSON.stringify({ command: "rebuild" });
  const lines = [
    "POST /api/command HTTP/1.1",
    `Host: ${host}`,
    ...(origin === null ? [] : [`Origin: ${origin}`]),
    "Content-Type: application/json",
    `X-Hotreload-Token: ${token}`,
    `Content-Length: ${body.length}`,
    "Connection: close",
  ];
  return rawHttp(d.port, `${lines.join("\r\n")}\r\n\r\n${body}`, /\r\n\r\n[\s\S]*\}/);
}

/** A real websocket client sending the Host and Origin a browser on that URL would. */
async function socket(host: string, origin: string): Promise<{ ws: WebSocket; seen: string[] }> {
  const ws = new WebSocket(`ws://127.0.0.1:${d.port}/ws?token=${TEST_TOKEN}`, {
    headers: { Host: host, Origin: origin },
  } as unknown as string[]);
  const seen: string[] = [];
  ws.onmessage = (e) => seen.push(String(e.data));
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = () => reject(new Error(`websocket with Host ${host}, Origin ${origin} failed`));
  });
  return { ws, seen };
}

describe("allowed hosts are accepted", () => {
  test.each([PUBLISHED, FORWARDED, "dev.example.org:443", `127.0.0.1:PORT`])(
    "the page with Host %s",
    async (host) => {
      const answer = await page(host.replace("PORT", String(d.port)));
      expect(statusOf(answer)).toBe(200);
      expect(answer).toContain("<!doctype html");
    },
  );

  test.each<[string, string]>([
    [PUBLISHED, `http://${PUBLISHED}`],
    [PUBLISHED, `https://${PUBLISHED}`],
    [FORWARDED, `https://${FORWARDED}`],
    // A proxy that rewrites Host to the dashboard's own keeps the browser's Origin.
    ["127.0.0.1:PORT", `https://${FORWARDED}`],
  ])("a websocket upgrade with Host %s and Origin %s", async (host, origin) => {
    const h = host.replace("PORT", String(d.port));
    expect(statusOf(await upgrade({ host: h, origin }))).toBe(101);
  });

  test("a real websocket through the published port gets its snapshot and runs an action", async () => {
    const { ws, seen } = await socket(PUBLISHED, `http://${PUBLISHED}`);
    try {
      await waitUntil(
        () => seen.some((m) => m.includes('"type":"snapshot"')),
        () => `no snapshot; saw ${seen.length} messages`,
      );
      ws.send(JSON.stringify({ type: "command", command: "restart" }));
      await waitUntil(
        () => seen.some((m) => m.includes('"type":"ack"')),
        () => `no ack; saw ${seen.map((m) => m.slice(0, 40)).join(" | ")}`,
      );
      expect(d.commands).toContain("restart");
    } finally {
      ws.close();
    }
  });

  test("POST /api/command through the forwarded URL", async () => {
    const before = d.commands.length;
    const answer = await action(FORWARDED, `https://${FORWARDED}`);
    expect(statusOf(answer)).toBe(200);
    expect(d.commands.slice(before)).toEqual(["rebuild"]);
  });
});

describe("everything else is refused", () => {
  test.each([
    "evil-localhost:9000",
    "localhost.evil.com:9000",
    "localhost:9001",
    "localhost",
    "dev.example.org.evil.com",
    "evildev.example.org",
    "example.org",
    "hr-3000.dev.example.org.",
    "*",
  ])("the page with Host %s → 403", async (host) => {
    expect(statusOf(await page(host))).toBe(403);
  });

  test.each<[string, UpgradeOptions, number]>([
    ["look-alike Origin", { host: PUBLISHED, origin: "http://evil-localhost:9000" }, 403],
    ["suffix-trick Origin", { host: PUBLISHED, origin: "http://localhost.evil.com:9000" }, 403],
    ["Origin of another port", { host: PUBLISHED, origin: "http://localhost:9001" }, 403],
    ["Origin with a path", { host: PUBLISHED, origin: "http://localhost:9000/" }, 403],
    ["Origin null", { host: PUBLISHED, origin: "null" }, 403],
    ["no Origin", { host: PUBLISHED, origin: null }, 403],
    ["no token", { host: PUBLISHED, origin: `http://${PUBLISHED}`, token: null }, 401],
    ["wrong token", { host: PUBLISHED, origin: `http://${PUBLISHED}`, token: "nope" }, 401],
    [
      "cross-site fetch metadata",
      {
        host: PUBLISHED,
        origin: `http://${PUBLISHED}`,
        extra: ["Sec-Fetch-Site: cross-site"],
      },
      403,
    ],
    ["look-alike Host", { host: "evil-localhost:9000", origin: "http://evil-localhost:9000" }, 403],
  ])("a websocket upgrade with %s → %d", async (_name, options, status) => {
    expect(statusOf(await upgrade(options))).toBe(status);
  });

  test("actions through an allowed host still need the exact Origin and the token", async () => {
    const before = d.commands.length;
    expect(statusOf(await action(PUBLISHED, null))).toBe(403);
    expect(statusOf(await action(PUBLISHED, "http://localhost.evil.com:9000"))).toBe(403);
    expect(statusOf(await action(PUBLISHED, `http://${PUBLISHED}`, "wrong"))).toBe(401);
    expect(statusOf(await action("evil-localhost:9000", `http://${PUBLISHED}`))).toBe(403);
    expect(d.commands.length).toBe(before);
  });

  test("without the setting, the published port's Host is refused as before", async () => {
    await using plain = await startTestDashboard();
    const answer = await rawHttp(
      plain.port,
      `GET / HTTP/1.1\r\nHost: ${PUBLISHED}\r\nConnection: close\r\n\r\n`,
    );
    expect(statusOf(answer)).toBe(403);
  });
});

test("a bad entry is a configuration error value, and nothing listens", async () => {
  const result = await startDashboard({
    host: "127.0.0.1",
    port: 0,
    allowedHosts: ["localhost:9000", "https://dash.example.com/"],
    bus: createEventBus(),
    config: {},
    onCommand() {},
    log: recordingLogger([]),
  });
  if (result.ok) {
    await result.value.close();
    throw new Error("a bad allowed host was accepted");
  }
  expect(result.error.code).toBe("config.invalid");
  expect(result.error.message).toBe(
    'Expected `dashboard.allowed_hosts.1` to be a host without a scheme, got "https://dash.example.com/"',
  );
  expect(result.error.hint).toContain("dash.example.com");
});
