/**
 * Zero-downtime swaps through hotreload's proxy, with the real CLI and the example servers:
 * a load loop sees no failed request over 20 swaps (overlap and stop-first), an in-flight
 * slow request and an SSE stream finish on the old instance, a websocket stays on the old
 * instance until the drain ends and is then closed with 1012, and a candidate that cannot
 * start leaves the old one serving.
 */
import { describe, expect, test } from "bun:test";
import { BUN, GO, loadLoop, type ProxiedExample, startProxied } from "../helpers/proxy-flow.ts";

const SWAPS = 20;

async function zeroFailures(spec: ProxiedExample, proxyKeys: string, swaps: number) {
  await using run = await startProxied(spec, proxyKeys);
  const load = loadLoop(`${run.base}/`);
  for (let i = 1; i <= swaps; i++) await run.setVersion(`2.0.${i}`);
  const seen = await load.stop();
  expect(seen.failures).toEqual([]);
  expect(seen.ok).toBeGreaterThan(swaps * 10);
  return seen;
}

const hasGo = Bun.which("go") !== null;

describe("proxy: zero failed requests across swaps", () => {
  test.skipIf(!hasGo)(
    `Go example, overlap, ${SWAPS} swaps under load`,
    async () => {
      await zeroFailures(GO, "", SWAPS);
    },
    240_000,
  );

  test(`Bun example, overlap, ${SWAPS} swaps under load`, async () => {
    await zeroFailures(BUN, "", SWAPS);
  }, 240_000);

  test(`Bun example, stop-first, ${SWAPS} swaps: requests are held while no instance is ready, then released`, async () => {
    const seen = await zeroFailures(BUN, "swap: stop_first", SWAPS);
    expect(seen.slowestMs).toBeLessThan(10_000);
  }, 240_000);
});

describe("proxy: what is open during a swap finishes on the old instance", () => {
  test("an in-flight slow request and an SSE stream outlive the swap; the stream ends with the drain", async () => {
    await using run = await startProxied(BUN, "drain_timeout: 1500ms");
    const slow = fetch(`${run.base}/slow?ms=800`).then((r) => r.text());
    const events = await fetch(`${run.base}/events`);
    const reader = (events.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let streamed = "";
    // The drain timeout cuts the stream (a reset or an end): either way it ended there.
    const streaming = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        streamed += decoder.decode(value);
      }
    })().catch(() => {});
    await run.setVersion("2.0.0");
    const atSwap = streamed.length;
    expect(await slow).toBe("slow answer after 800 ms - version 1.0.0\n");
    await streaming; // cut by the drain timeout, not by the swap
    expect(streamed.length).toBeGreaterThan(atSwap);
    expect(streamed).not.toContain("version 2.0.0");
    const again = await fetch(`${run.base}/events`);
    const fresh = (again.body as ReadableStream<Uint8Array>).getReader();
    const first = await fresh.read();
    expect(decoder.decode(first.value)).toContain("version 2.0.0");
    await fresh.cancel();
  }, 120_000);

  test("a websocket stays on the old instance while it drains, then closes with 1012; a new one reaches the new instance", async () => {
    await using run = await startProxied(BUN, "drain_timeout: 10s");
    const url = `${run.base.replace("http", "ws")}/ws`;
    const greeting = (ws: WebSocket) =>
      new Promise<string>((resolve, reject) => {
        ws.addEventListener("message", (m) => resolve(String(m.data)), { once: true });
        ws.addEventListener("error", () => reject(new Error("websocket error")), { once: true });
      });
    const old = new WebSocket(url);
    expect(await greeting(old)).toBe("hello from version 1.0.0");
    let closedAt = 0;
    const closed = new Promise<number>((resolve) =>
      old.addEventListener("close", (e) => {
        closedAt = performance.now();
        resolve(e.code);
      }),
    );
    // An in-flight request keeps the old instance draining for a while.
    const slow = fetch(`${run.base}/slow?ms=1500`).then(async (r) => {
      const text = await r.text();
      return { text, at: performance.now() };
    });
    await run.setVersion("2.0.0");
    const echo = greeting(old);
    old.send("still here");
    expect(await echo).toBe("still here");
    const fresh = new WebSocket(url);
    expect(await greeting(fresh)).toBe("hello from version 2.0.0");
    const answered = await slow;
    expect(answered.text).toBe("slow answer after 1500 ms - version 1.0.0\n");
    expect(await closed).toBe(1012);
    expect(closedAt).toBeGreaterThanOrEqual(answered.at - 50);
    fresh.close(1000);
  }, 120_000);

  test("a candidate that exits before it is ready is reported; the old instance keeps serving", async () => {
    await using run = await startProxied(BUN);
    const load = loadLoop(`${run.base}/`, 2);
    const from = run.hr.events.length;
    run.editHandler((text) => `process.exit(3);\n${text}`);
    const failed = await run.hr.waitFor("swap.failed", undefined, 30_000, from);
    expect(failed.reason).toContain("exit 3");
    expect(failed.previousServing).toBe(true);
    expect(await (await fetch(`${run.base}/`)).text()).toContain("version 1.0.0");
    const seen = await load.stop();
    expect(seen.failures).toEqual([]);
  }, 120_000);
});
