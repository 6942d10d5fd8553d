import { describe, expect, test } from "bun:test";
import { startProxy, startUpstream, untilStalled } from "../helpers/proxy-harness.ts";

const MB = 1024 * 1024;

/**
 * A body of `total` bytes made on demand, one 256 KB chunk per pull, so the sender holds
 * none of it; `produced` says how far the reader has pulled (backpressure shows there).
 */
function generatedBody(total: number): { stream: ReadableStream<Uint8Array>; produced(): number } {
  const chunk = 256 * 1024;
  const block = new Uint8Array(chunk).fill(120);
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (sent >= total) return controller.close();
        const n = Math.min(chunk, total - sent);
        controller.enqueue(n === chunk ? block : block.subarray(0, n));
        sent += n;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, produced: () => sent };
}

/** POSTs a streamed body; `duplex: "half"` is required for one, and the DOM type lacks it. */
function postStream(url: string, body: ReadableStream<Uint8Array>): Promise<Response> {
  const init = { method: "POST", body, duplex: "half" };
  return fetch(url, init as RequestInit);
}

describe("proxy streams", () => {
  test("a 200 MB upload streams through with bounded memory", async () => {
    const total = 200 * MB;
    const rssBefore = process.memoryUsage.rss();
    let peak = rssBefore;
    await using up = startUpstream("sink", async (req) => {
      let received = 0;
      for await (const chunk of req.body as ReadableStream<Uint8Array>) {
        received += chunk.length;
        if ((received & (8 * MB - 1)) < chunk.length)
          peak = Math.max(peak, process.memoryUsage.rss());
      }
      return new Response(String(received));
    });
    await using proxy = await startProxy();
    proxy.route(up.target);
    const res = await postStream(`${proxy.url}/upload`, generatedBody(total).stream);
    const text = await res.text();
    expect(text).toBe(String(total));
    const grew = (peak - rssBefore) / MB;
    console.log(`200 MB upload through the proxy: RSS grew ${grew.toFixed(0)} MB at most`);
    // Sender, proxy and receiver share this process: holding the body anywhere costs 200 MB.
    expect(grew).toBeLessThan(100);
  });

  test("an instance that does not read the upload holds the client back", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    await using up = startUpstream("late-reader", async (req) => {
      await gate;
      let received = 0;
      for await (const chunk of req.body as ReadableStream<Uint8Array>) received += chunk.length;
      return new Response(String(received));
    });
    await using proxy = await startProxy();
    proxy.route(up.target);
    const total = 200 * MB;
    const upload = generatedBody(total);
    const answer = postStream(`${proxy.url}/upload`, upload.stream);
    const stalled = await untilStalled(upload.produced, "the client's upload");
    expect(stalled).toBeLessThan(64 * MB);
    release();
    expect(await (await answer).text()).toBe(String(total));
  });

  test("SSE: the first event arrives while the instance is still writing", async () => {
    let finish: () => void = () => {};
    const finished = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const encoder = new TextEncoder();
    await using up = startUpstream("sse", () => {
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(encoder.encode("data: first\n\n"));
          await finished;
          controller.enqueue(encoder.encode("data: last\n\n"));
          controller.close();
        },
      });
      return new Response(body, { headers: { "content-type": "text/event-stream" } });
    });
    await using proxy = await startProxy();
    proxy.route(up.target);
    const started = performance.now();
    const res = await fetch(`${proxy.url}/events`);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    const firstByteMs = performance.now() - started;
    console.log(`SSE first event through the proxy after ${firstByteMs.toFixed(2)} ms`);
    expect(new TextDecoder().decode(first.value)).toBe("data: first\n\n");
    finish();
    let rest = "";
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
      rest += new TextDecoder().decode(chunk.value);
    }
    expect(rest).toBe("data: last\n\n");
  });

  test("an instance that dies mid-stream ends the client's stream early, never a hang", async () => {
    const up = startUpstream("dying", () => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode("data: one\n\n"));
        },
      });
      return new Response(body, { headers: { "content-type": "text/event-stream" } });
    });
    await using proxy = await startProxy();
    proxy.route(up.target);
    const res = await fetch(`${proxy.url}/events`);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await up.server.stop(true);
    const ended = await reader.read().then(
      (chunk) => (chunk.done ? "ended" : "more data"),
      () => "cut",
    );
    expect(ended === "ended" || ended === "cut").toBe(true);
    expect((await fetch(`${proxy.url}/`)).status).toBe(502);
  });

  test("a client that does not read holds the instance back (no buffering in the proxy)", async () => {
    const total = 200 * MB;
    const download = generatedBody(total);
    await using up = startUpstream("big", () => new Response(download.stream));
    await using proxy = await startProxy();
    proxy.route(up.target);
    const res = await fetch(`${proxy.url}/big`);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let received = (await reader.read()).value?.length ?? 0;
    const stalled = await untilStalled(download.produced, "the instance's writes");
    console.log(`download held back after ${(stalled / MB).toFixed(0)} MB of ${total / MB} MB`);
    expect(stalled).toBeLessThan(64 * MB);
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
      received += chunk.value.length;
    }
    expect(received).toBe(total);
  });

  test("a large download streams back whole", async () => {
    const size = 20 * MB;
    await using up = startUpstream("big", () => new Response(generatedBody(size).stream));
    await using proxy = await startProxy();
    proxy.route(up.target);
    const res = await fetch(`${proxy.url}/big`);
    expect((await res.arrayBuffer()).byteLength).toBe(size);
  });
});
