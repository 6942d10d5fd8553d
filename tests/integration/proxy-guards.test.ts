import { describe, expect, test } from "bun:test";
import { waitForPort } from "../../src/health/port-ready.ts";
import { silentLogger } from "../../src/log.ts";
import { pickFreePort } from "../../src/proxy/free-port.ts";
import { createProxy } from "../../src/proxy/proxy.ts";
import { startProxy } from "../helpers/proxy-harness.ts";

describe("/__hotreload/ on the public port", () => {
  test("guarded like the dashboard: Host allow-list, read-only, no cross-site reads", async () => {
    await using proxy = await startProxy({ allowedHosts: ["dev.example.com"] });
    const status = `${proxy.url}/__hotreload/status`;
    expect((await fetch(status)).status).toBe(200);
    expect((await fetch(status, { headers: { host: "dev.example.com" } })).status).toBe(200);
    const rebound = await fetch(status, { headers: { host: "attacker.example" } });
    expect(rebound.status).toBe(403);
    expect(await rebound.text()).toBe('Host "attacker.example" is not allowed\n');
    expect((await fetch(status, { method: "POST" })).status).toBe(405);
    const crossSite = await fetch(`${proxy.url}/__hotreload/events`, {
      headers: { "sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors" },
    });
    expect(crossSite.status).toBe(403);
    expect((await fetch(`${proxy.url}/__hotreload/nothing`)).status).toBe(404);
  });

  test("the event stream sends the status now and on every change", async () => {
    await using proxy = await startProxy();
    const res = await fetch(`${proxy.url}/__hotreload/events`);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const next = async () => {
      const text = new TextDecoder().decode((await reader.read()).value);
      return JSON.parse(text.split("data: ")[1] ?? "null");
    };
    const first = await next();
    expect(first).toMatchObject({ ready: false, kind: "starting" });
    proxy.setStatus({ kind: "crashed", retryInMs: 2000, hold: true });
    expect(await next()).toMatchObject({
      version: first.version + 1,
      kind: "crashed",
      retryInMs: 2000,
    });
    proxy.route({ id: 1, port: 1 });
    expect(await next()).toMatchObject({ version: first.version + 2, ready: true });
    await reader.cancel();
  });

  test("a port already in use is a clear error", async () => {
    await using first = await startProxy();
    const second = await createProxy({
      host: "127.0.0.1",
      port: first.port,
      allowedHosts: [],
      log: silentLogger,
      holdMax: 1,
      holdTimeoutMs: 1,
    });
    expect(second.ok).toBe(false);
    if (!second.ok) {
      expect(second.error.code).toBe("proxy.port-in-use");
      expect(second.error.message).toContain(`127.0.0.1:${first.port}`);
    }
  });
});

describe("waitForPort", () => {
  test("ready once something listens; cancelled by its signal", async () => {
    const port = await pickFreePort();
    const ready = waitForPort(port, AbortSignal.timeout(5000));
    const server = Bun.serve({ hostname: "127.0.0.1", port, fetch: () => new Response("") });
    try {
      expect(await ready).toMatchObject({ ok: true });
    } finally {
      await server.stop(true);
    }
    const nobody = await pickFreePort();
    const controller = new AbortController();
    const waiting = waitForPort(nobody, controller.signal);
    controller.abort();
    expect(await waiting).toMatchObject({ ok: false });
  });
});
