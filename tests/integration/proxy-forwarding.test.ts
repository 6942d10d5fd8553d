import { describe, expect, test } from "bun:test";
import { gzipSync } from "node:zlib";
import { silentLogger } from "../../src/log.ts";
import { pickFreePort } from "../../src/proxy/free-port.ts";
import { rawConnection, startProxy, startUpstream } from "../helpers/proxy-harness.ts";

/** An upstream that answers with what it received: method, headers, body, peer port. */
function echoUpstream() {
  return startUpstream("echo", async (req, server) =>
    Response.json({
      method: req.method,
      url: req.url,
      headers: Object.fromEntries(req.headers),
      body: await req.text(),
      peerPort: server.requestIP(req)?.port,
    }),
  );
}

describe("proxy forwarding", () => {
  test("keep-alive on both sides; Host kept; hop-by-hop dropped; X-Forwarded-* added", async () => {
    await using up = echoUpstream();
    await using proxy = await startProxy();
    proxy.route(up.target);
    using client = await rawConnection(proxy.port);
    const request = [
      "GET /path?q=1 HTTP/1.1",
      "Host: app.localhost:4321",
      "Connection: keep-alive, X-Secret",
      "X-Secret: must-not-pass",
      "Keep-Alive: timeout=5",
      "Proxy-Authorization: Basic Zm9vOmJhcg==",
      "TE: trailers",
      "X-Forwarded-For: 10.1.2.3",
      "X-Kept: yes",
      "",
      "",
    ].join("\r\n");
    client.send(request);
    const first = await client.response();
    client.send(request);
    const second = await client.response();
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    const seen = JSON.parse(first.body);
    expect(seen.headers.host).toBe("app.localhost:4321");
    expect(seen.url).toEndWith("/path?q=1");
    expect(seen.headers["x-kept"]).toBe("yes");
    for (const gone of ["x-secret", "keep-alive", "proxy-authorization", "te"])
      expect(seen.headers[gone]).toBeUndefined();
    expect(seen.headers["x-forwarded-for"]).toBe("10.1.2.3, 127.0.0.1");
    expect(seen.headers["x-forwarded-proto"]).toBe("http");
    expect(seen.headers["x-forwarded-host"]).toBe("app.localhost:4321");
    // Both requests came over one upstream connection (same source port on the instance).
    expect(JSON.parse(second.body).peerPort).toBe(seen.peerPort);
  });

  test("every method with its body; custom methods too", async () => {
    await using up = echoUpstream();
    await using proxy = await startProxy();
    proxy.route(up.target);
    for (const method of ["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PURGE"]) {
      const res = await fetch(`${proxy.url}/m`, { method, body: `body of ${method}` });
      const seen = await res.json();
      expect(seen.method).toBe(method);
      expect(seen.body).toBe(`body of ${method}`);
    }
    const head = await fetch(`${proxy.url}/m`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
  });

  test("status, repeated Set-Cookie and compressed bodies pass unchanged", async () => {
    const zipped = gzipSync("x".repeat(10_000));
    await using up = startUpstream("zip", () => {
      const headers = new Headers({ "content-encoding": "gzip", "content-type": "text/plain" });
      headers.append("set-cookie", "a=1; Path=/");
      headers.append("set-cookie", "b=2; Path=/");
      return new Response(zipped, { status: 418, headers });
    });
    await using proxy = await startProxy();
    proxy.route(up.target);
    const res = await fetch(`${proxy.url}/z`, { decompress: false } as RequestInit);
    expect(res.status).toBe(418);
    expect(res.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; Path=/"]);
    expect(res.headers.get("content-encoding")).toBe("gzip");
    expect(Buffer.from(await res.arrayBuffer()).equals(zipped)).toBe(true);
  });

  test("Expect: 100-continue gets its 100 and the body goes through", async () => {
    await using up = echoUpstream();
    await using proxy = await startProxy();
    proxy.route(up.target);
    using client = await rawConnection(proxy.port);
    client.send(
      "POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n",
    );
    // The client holds the body back until it sees the interim answer.
    await client.received("HTTP/1.1 100 Continue\r\n");
    client.send("hello");
    const res = await client.response();
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).body).toBe("hello");
  });

  test("a dead instance answers 502 with the reason, at once; said once at warn", async () => {
    const port = await pickFreePort();
    const warnings: string[] = [];
    const debug: string[] = [];
    await using proxy = await startProxy({
      log: { ...silentLogger, warn: (m) => warnings.push(m), debug: (m) => debug.push(m) },
    });
    proxy.route({ id: 7, port });
    const started = performance.now();
    const res = await fetch(`${proxy.url}/x`);
    expect(res.status).toBe(502);
    expect(await res.text()).toBe(
      `hotreload proxy: instance 7 (127.0.0.1:${port}) connection refused\n`,
    );
    expect(performance.now() - started).toBeLessThan(2000);
    for (let i = 0; i < 3; i++) expect((await fetch(`${proxy.url}/again`)).status).toBe(502);
    expect(warnings).toEqual([
      `GET /x: hotreload proxy: instance 7 (127.0.0.1:${port}) connection refused (further ones from this instance at debug level)`,
    ]);
    expect(debug.filter((m) => m.includes("connection refused"))).toHaveLength(3);
    expect(() => proxy.route({ id: 8, port: 70_000 })).toThrow(RangeError);
  });

  test("an absolute-form request line never reaches the host it names; CONNECT is refused", async () => {
    await using foreign = startUpstream("foreign");
    await using up = startUpstream("ours");
    await using proxy = await startProxy();
    proxy.route(up.target);
    using client = await rawConnection(proxy.port);
    client.send(
      `GET http://127.0.0.1:${foreign.port}/steal HTTP/1.1\r\nHost: localhost:${proxy.port}\r\n\r\n`,
    );
    const res = await client.response();
    expect(res.body).toBe("ours");
    expect(foreign.served).toBe(0);
    using tunnel = await rawConnection(proxy.port);
    tunnel.send(
      `CONNECT 127.0.0.1:${foreign.port} HTTP/1.1\r\nHost: 127.0.0.1:${foreign.port}\r\n\r\n`,
    );
    expect((await tunnel.response()).status).toBe(400);
    expect(foreign.served).toBe(0);
  });
});
