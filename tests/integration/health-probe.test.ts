import { afterEach, describe, expect, test } from "bun:test";
import type { Server } from "bun";
import { probeHealth } from "../../src/health/probe.ts";

const servers: Server<unknown>[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.stop(true)));
  servers.length = 0;
});

function serve(fetch: (req: Request) => Response | Promise<Response>, port = 0) {
  const server = Bun.serve({ port, hostname: "127.0.0.1", fetch });
  servers.push(server);
  return server;
}

/** A port nothing listens on (bound once, then released). */
async function freePort(): Promise<number> {
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = server.port!;
  await server.stop(true);
  return port;
}

describe("probeHealth against real servers", () => {
  test("a 2xx on the first attempt is ready", async () => {
    const server = serve(() => new Response("ok", { status: 204 }));
    const result = await probeHealth({
      url: `http://127.0.0.1:${server.port}/health`,
      timeoutMs: 2000,
      intervalMs: 50,
      maxRetries: 3,
    });
    expect(result).toMatchObject({ ok: true, attempts: 1, status: 204 });
  });

  test("a server slow to start: refused until it listens, then ready", async () => {
    const port = await freePort();
    const errors: string[] = [];
    const result = await probeHealth({
      url: `http://127.0.0.1:${port}/health`,
      timeoutMs: 2000,
      intervalMs: 30,
      maxRetries: 200,
      onAttempt(n, error) {
        if (error) errors.push(error);
        // Start listening only after the probe has really seen a refusal.
        if (n === 2) serve(() => new Response("up"), port);
      },
    });
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(result.attempts).toBe(3);
    expect(errors[0]).toContain("connection refused");
  });

  test("500, 500, then 200: failures name the status, ready on the 2xx", async () => {
    let calls = 0;
    const server = serve(() => new Response("x", { status: ++calls < 3 ? 500 : 200 }));
    const errors: (string | undefined)[] = [];
    const result = await probeHealth({
      url: `http://127.0.0.1:${server.port}/`,
      timeoutMs: 2000,
      intervalMs: 20,
      maxRetries: 10,
      onAttempt: (_n, error) => errors.push(error),
    });
    expect(result).toMatchObject({ ok: true, attempts: 3, status: 200 });
    expect(errors[0]).toContain("answered 500");
    expect(errors[2]).toBeUndefined();
  });

  test("expect_status: a redirect or a 404 counts as ready when expected; the error names what was", async () => {
    const server = serve((req) => {
      const path = new URL(req.url).pathname;
      if (path === "/missing") return new Response("no", { status: 404 });
      return new Response(null, { status: 302, headers: { location: "/ok" } });
    });
    const probe = (path: string, expectStatus: [number, number][]) =>
      probeHealth({
        url: `http://127.0.0.1:${server.port}${path}`,
        timeoutMs: 2000,
        intervalMs: 10,
        maxRetries: 2,
        expectStatus,
      });
    expect(await probe("/", [[200, 399]])).toMatchObject({ ok: true, status: 302 });
    expect(
      await probe("/missing", [
        [200, 299],
        [404, 404],
      ]),
    ).toMatchObject({ ok: true, status: 404 });
    const failed = await probe("/missing", [[200, 399]]);
    expect(failed.ok).toBe(false);
    if (!failed.ok)
      expect(failed.error).toContain("answered 404 Not Found; only 200-399 counts as ready");
  });

  test("redirects and 4xx are failures, not followed", async () => {
    const server = serve((req) => {
      const path = new URL(req.url).pathname;
      if (path === "/ok") return new Response("ok");
      if (path === "/missing") return new Response("no", { status: 404 });
      return new Response(null, { status: 302, headers: { location: "/ok" } });
    });
    const result = await probeHealth({
      url: `http://127.0.0.1:${server.port}/health`,
      timeoutMs: 2000,
      intervalMs: 10,
      maxRetries: 2,
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.attempts).toBe(2);
      expect(result.error).toContain("answered 302");
      expect(result.error).toContain("to /ok");
      expect(result.error).toContain("after 2 attempts");
    }
    const missing = await probeHealth({
      url: `http://127.0.0.1:${server.port}/missing`,
      timeoutMs: 2000,
      intervalMs: 10,
      maxRetries: 1,
    });
    expect(missing).toMatchObject({ ok: false, attempts: 1 });
    if (!missing.ok) expect(missing.error).toContain("answered 404 Not Found");
  });

  test("a server that hangs beyond the timeout: each attempt times out", async () => {
    const server = serve(() => new Promise<Response>(() => {}));
    const t0 = performance.now();
    const result = await probeHealth({
      url: `http://127.0.0.1:${server.port}/`,
      timeoutMs: 150,
      intervalMs: 10,
      maxRetries: 2,
    });
    const ms = performance.now() - t0;
    expect(result).toMatchObject({ ok: false, attempts: 2 });
    if (!result.ok) expect(result.error).toContain("timed out after 150ms");
    expect(ms).toBeGreaterThanOrEqual(290);
    expect(ms).toBeLessThan(5000);
  });

  test("never up: connection refused after every attempt", async () => {
    const port = await freePort();
    const attempts: number[] = [];
    const result = await probeHealth({
      url: `http://127.0.0.1:${port}/`,
      timeoutMs: 1000,
      intervalMs: 10,
      maxRetries: 3,
      onAttempt: (n) => attempts.push(n),
    });
    expect(attempts).toEqual([1, 2, 3]);
    expect(result).toEqual({
      ok: false,
      attempts: 3,
      error: `GET http://127.0.0.1:${port}/ failed: connection refused (nothing listens there yet) (after 3 attempts)`,
    });
  });

  test("a host that does not resolve gives a readable error", async () => {
    const result = await probeHealth({
      url: "http://hotreload-test.invalid/health",
      timeoutMs: 3000,
      intervalMs: 10,
      maxRetries: 1,
    });
    expect(result.ok).toBe(false);
    // With no resolver answering, the per-attempt timeout is the readable error instead.
    if (!result.ok) expect(result.error).toMatch(/host name not found \(DNS\)|timed out after/);
  });

  test("abort during a hanging request or a wait ends the probe at once", async () => {
    const server = serve(() => new Promise<Response>(() => {}));
    const controller = new AbortController();
    const pending = probeHealth({
      url: `http://127.0.0.1:${server.port}/`,
      timeoutMs: 10_000,
      intervalMs: 10_000,
      maxRetries: 5,
      signal: controller.signal,
    });
    const t0 = performance.now();
    setTimeout(() => controller.abort(), 50);
    const result = await pending;
    expect(result).toEqual({ ok: false, attempts: 1, error: "health check cancelled" });
    expect(performance.now() - t0).toBeLessThan(2000);

    const refusedPort = await freePort();
    const waiting = new AbortController();
    const second = probeHealth({
      url: `http://127.0.0.1:${refusedPort}/`,
      timeoutMs: 1000,
      intervalMs: 10_000,
      maxRetries: 5,
      signal: waiting.signal,
    });
    // Nothing listens: the probe is re-trying quickly inside its first window.
    const t1 = performance.now();
    setTimeout(() => waiting.abort(), 100);
    expect(await second).toEqual({ ok: false, attempts: 1, error: "health check cancelled" });
    expect(performance.now() - t1).toBeLessThan(2000);
  });

  test("a server that binds late is ready soon after it binds, not an interval later", async () => {
    const port = await freePort();
    const started = performance.now();
    let listeningAt = 0;
    setTimeout(() => {
      serve(() => new Response("up"), port);
      listeningAt = performance.now();
    }, 150);
    const result = await probeHealth({
      url: `http://127.0.0.1:${port}/health`,
      timeoutMs: 2000,
      intervalMs: 3000,
      maxRetries: 3,
    });
    expect(result).toMatchObject({ ok: true, attempts: 1 });
    // Quick re-tries double from 10 ms up to 100 ms: at most one step after the bind.
    expect(performance.now() - listeningAt).toBeLessThan(1000);
    expect(performance.now() - started).toBeLessThan(1500);
  });

  test("an already aborted signal makes no request", async () => {
    let calls = 0;
    const server = serve(() => {
      calls++;
      return new Response("ok");
    });
    const result = await probeHealth({
      url: `http://127.0.0.1:${server.port}/`,
      timeoutMs: 1000,
      intervalMs: 10,
      maxRetries: 3,
      signal: AbortSignal.abort(),
    });
    expect(result).toEqual({ ok: false, attempts: 0, error: "health check cancelled" });
    expect(calls).toBe(0);
  });
});
