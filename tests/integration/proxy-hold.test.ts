import { describe, expect, test } from "bun:test";
import {
  heldRequests,
  rawConnection,
  startProxy,
  startUpstream,
  until,
} from "../helpers/proxy-harness.ts";

const NAVIGATE = { accept: "text/html", "sec-fetch-mode": "navigate" };

describe("proxy hold and status answers", () => {
  test("held while nothing is routed, released in arrival order to the next route", async () => {
    const order: string[] = [];
    await using up = startUpstream("v2", (req) => {
      order.push(new URL(req.url).pathname);
      return new Response("v2");
    });
    await using proxy = await startProxy();
    proxy.setStatus({ kind: "building", hold: true });
    const pending: Promise<Response>[] = [];
    for (const n of [1, 2, 3, 4, 5]) {
      pending.push(fetch(`${proxy.url}/r${n}`));
      // Arrival order is the order the proxy saw them in: wait until each is held.
      await until(async () => (await heldRequests(proxy)) === n, `request ${n} held`);
    }
    expect(up.served).toBe(0);
    proxy.route(up.target);
    const answers = await Promise.all(pending.map(async (p) => (await p).text()));
    expect(answers).toEqual(["v2", "v2", "v2", "v2", "v2"]);
    expect(order).toEqual(["/r1", "/r2", "/r3", "/r4", "/r5"]);
  });

  test("a client that hangs up while held leaves the line", async () => {
    await using proxy = await startProxy();
    proxy.setStatus({ kind: "building", hold: true });
    const client = await rawConnection(proxy.port);
    client.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
    await until(async () => (await heldRequests(proxy)) === 1, "the request held");
    client[Symbol.dispose]();
    await until(async () => (await heldRequests(proxy)) === 0, "the request to leave the line");
  });

  test("hold timeout → 503 with Retry-After and a one-line reason", async () => {
    await using proxy = await startProxy({ holdTimeoutMs: 200 });
    proxy.setStatus({ kind: "starting", hold: true });
    const started = performance.now();
    const res = await fetch(`${proxy.url}/slow`);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(await res.text()).toBe("hotreload: the app is starting (waited for the hold timeout)\n");
  });

  test("over holdMax → answered at once; setStatus without hold answers the held ones", async () => {
    await using proxy = await startProxy({ holdMax: 1, appName: "api" });
    proxy.setStatus({ kind: "building", hold: true });
    const held = fetch(`${proxy.url}/one`);
    await until(async () => (await heldRequests(proxy)) === 1, "one request held");
    const over = await fetch(`${proxy.url}/two`);
    expect(over.status).toBe(503);
    expect(await over.text()).toBe(
      "hotreload: api is building (too many requests already waiting)\n",
    );
    proxy.setStatus({ kind: "build-failed", detail: ["main.go:3:1: syntax error"], hold: false });
    const res = await held;
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(await res.text()).toBe(
      "hotreload: the last build of api failed: main.go:3:1: syntax error\n",
    );
  });

  test("crashed with a backoff: Retry-After is the backoff", async () => {
    await using proxy = await startProxy();
    proxy.setStatus({ kind: "crashed", retryInMs: 4000, hold: false });
    const res = await fetch(`${proxy.url}/`);
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("4");
    expect(await res.text()).toBe("hotreload: the app crashed, retrying in 4 s\n");
  });

  test("a browser navigation gets the status page, everything on it escaped", async () => {
    await using proxy = await startProxy({ appName: "<b>app</b>" });
    proxy.setStatus({
      kind: "build-failed",
      detail: ['\x1b[31merror\x1b[0m: <script>alert("x")</script> & more', "line 2"],
      hold: false,
    });
    const res = await fetch(`${proxy.url}/some/page`, { headers: NAVIGATE });
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    const html = await res.text();
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("<b>app</b>");
    expect(html).toContain("the last build of &lt;b&gt;app&lt;/b&gt; failed");
    expect(html).toContain(
      '<pre id="detail">error: &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more\nline 2</pre>',
    );
    // A foreign Host (DNS rebinding) sees the headline but not the compiler output.
    const foreign = await fetch(`${proxy.url}/`, {
      headers: { ...NAVIGATE, host: "evil.example" },
    });
    expect(await foreign.text()).not.toContain("line 2");
  });

  test("drain waits for in-flight exchanges and cuts what is left at the timeout", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const encoder = new TextEncoder();
    await using a = startUpstream("a", async (req) => {
      if (req.url.endsWith("/slow")) await gate;
      if (req.url.endsWith("/stream"))
        return new Response(
          new ReadableStream({
            start(c) {
              c.enqueue(encoder.encode("data: tick\n\n"));
            },
          }),
          { headers: { "content-type": "text/event-stream" } },
        );
      return new Response("a");
    });
    await using b = startUpstream("b");
    await using proxy = await startProxy();
    proxy.route(a.target);
    const slow = fetch(`${proxy.url}/slow`);
    const stream = await fetch(`${proxy.url}/stream`);
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await until(() => a.served === 2, "both requests on a");
    proxy.route(b.target);
    expect(await (await fetch(`${proxy.url}/`)).text()).toBe("b");
    const drained = proxy.drain(a.target.id, 300);
    release();
    expect(await (await slow).text()).toBe("a");
    // The slow request finished inside the drain; the endless stream was cut at 300 ms.
    expect(await drained).toEqual({ finished: 1, cut: 1, websockets: 0 });
    await expect(readToEnd(reader)).rejects.toThrow();
  });
});

async function readToEnd(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  for (;;) if ((await reader.read()).done) return;
}
