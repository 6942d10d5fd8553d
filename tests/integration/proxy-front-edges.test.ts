/**
 * The proxy's raw HTTP/1.1 front at its edges, on real sockets: bytes behind an upgrade
 * request, instances that send more than they were asked, backpressure when the next
 * exchange goes to another upstream, and connections that go quiet.
 */
import { describe, expect, test } from "bun:test";
import { connect } from "node:net";
import { silentLogger } from "../../src/log.ts";
import { createFront } from "../../src/proxy/http1/front.ts";
import { createInstanceTraffic } from "../../src/proxy/instance-traffic.ts";
import {
  gate,
  getRequest,
  okAnswer,
  rawConnection,
  startEchoUpstream,
  startProxy,
  startRawUpstream,
  startUpstream,
  until,
  untilStalled,
} from "../helpers/proxy-harness.ts";

/** A masked client text frame (RFC 6455 §5.2), short payloads only. */
function clientFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = [1, 2, 3, 4];
  const masked = payload.map((byte, i) => byte ^ (mask[i % 4] as number));
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length, ...mask]), masked]);
}

describe("proxy front: upgrades", () => {
  test("a websocket frame sent right behind the upgrade request: it and the later ones get through", async () => {
    await using up = startUpstream(
      "ws",
      (req, server) => (server.upgrade(req, { data: undefined }) ? undefined : new Response("no")),
      {
        message(ws, message) {
          ws.send(`echo ${message}`);
        },
      },
    );
    await using proxy = await startProxy();
    proxy.route(up.target);
    using client = await rawConnection(proxy.port);
    // A request to the proxy's own server first: the upgrade then reuses that connection.
    client.send(
      getRequest("/__hotreload/status", `Host: 127.0.0.1:${proxy.port}`).replace(
        "Host: app.test\r\n",
        "",
      ),
    );
    expect((await client.response()).status).toBe(200);
    const upgrade = getRequest(
      "/ws",
      "Connection: Upgrade",
      "Upgrade: websocket",
      "Sec-WebSocket-Version: 13",
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
    );
    // Before the 101: the front must keep it, and read on once the tunnel is up.
    client.sendBytes(Buffer.concat([Buffer.from(upgrade), clientFrame("early")]));
    await client.received("101 Switching Protocols");
    await client.received("echo early");
    client.sendBytes(clientFrame("later"));
    await client.received("echo later");
  });
});

describe("proxy front: instances that send more than they were asked", () => {
  test("a stray CRLF after each answer (old servers do that) does not cost the client its connection", async () => {
    await using up = startRawUpstream((req) => `${okAnswer(`answer ${req.nth}`)}\r\n`);
    await using proxy = await startProxy();
    proxy.route(up.target);
    using client = await rawConnection(proxy.port);
    for (const n of [1, 2, 3]) {
      client.send(getRequest(`/${n}`));
      const res = await client.response();
      expect(res.status).toBe(200);
      expect(res.body).toStartWith("answer ");
    }
    // Each request reached the instance once.
    expect(up.requests).toHaveLength(3);
  });

  test("bytes after a complete answer drop that upstream connection only; the client's goes on", async () => {
    await using up = startRawUpstream(
      (req) =>
        `${okAnswer(`on ${req.connection}`)}HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n`,
    );
    await using proxy = await startProxy();
    proxy.route(up.target);
    using client = await rawConnection(proxy.port);
    client.send(getRequest("/1"));
    expect((await client.response()).body).toBe("on 1");
    client.send(getRequest("/2"));
    expect((await client.response()).body).toBe("on 2");
  });

  test("a chunked request with trailers (Bun's server answers, then sends a 400): the client keeps its connection", async () => {
    await using up = startEchoUpstream("a");
    await using proxy = await startProxy();
    proxy.route(up.target);
    using client = await rawConnection(proxy.port);
    client.send(
      "POST / HTTP/1.1\r\nHost: app.test\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-Checksum: 1\r\n\r\n",
    );
    expect(JSON.parse((await client.response()).body).body).toBe("abc");
    client.send(getRequest("/next"));
    expect(JSON.parse((await client.response()).body).path).toBe("/next");
  });
});

describe("proxy front: backpressure across a change of upstream", () => {
  const MB = 1024 * 1024;

  /**
   * A client that never reads gets an answer of `size` from A, with a request to B pipelined
   * behind it. Whether A's answer ends inside the front (B then gets its request) depends on
   * `size` against the socket buffers; when it does, B must be held back by the same client.
   */
  async function pipelinedBehind(size: number): Promise<{ reachedB: boolean; fromB: number }> {
    let fromB = 0;
    await using a = startUpstream("a", () => new Response(new Uint8Array(size)));
    await using b = startUpstream(
      "b",
      () =>
        new Response(
          new ReadableStream({
            pull(controller) {
              if (fromB >= 64 * MB) return controller.close();
              fromB += MB;
              controller.enqueue(new Uint8Array(MB));
            },
          }),
        ),
    );
    await using proxy = await startProxy();
    proxy.route(a.target);
    const socket = connect({ host: "127.0.0.1", port: proxy.port });
    try {
      await new Promise((resolve) => socket.once("connect", resolve));
      socket.pause();
      socket.write(getRequest("/a"));
      await until(() => a.served === 1, "the request at a");
      proxy.route(b.target);
      socket.write(getRequest("/b"));
      await untilStalled(() => b.served * 1024 * MB + fromB, "the proxy", 200);
      return { reachedB: b.served === 1, fromB };
    } finally {
      socket.destroy();
    }
  }

  test("a client that does not read holds the next instance back, whatever the answer before it", async () => {
    // The case that matters is A's answer ending in the very read that filled the client's
    // socket: the largest size whose end still reaches the front. Found by bisection.
    let fits = 0;
    let tooLarge = 32 * MB;
    while (tooLarge - fits > 32 * 1024) {
      const size = Math.round((fits + tooLarge) / 2);
      const { reachedB, fromB } = await pipelinedBehind(size);
      // Without backpressure b's 64 MB all pile up in the proxy; with it, a few MB of buffers.
      expect({ size, fromB: fromB < 32 * MB }).toEqual({ size, fromB: true });
      if (reachedB) fits = size;
      else tooLarge = size;
    }
    expect(fits).toBeGreaterThan(0);
  }, 30_000);

  /**
   * A client uploads `size` bytes to an instance that reads none of them, then answers with
   * Connection: close. Whether the front had read the whole body by then (the connection
   * stays, the next request is served) or not (it closes after the answer) depends on
   * `size`; a connection that does neither is stuck.
   */
  async function uploadThenNext(size: number): Promise<"served" | "closed"> {
    const answer = gate();
    await using up = startRawUpstream(
      (req) =>
        req.head.startsWith("POST ")
          ? {
              later: answer.promise.then(
                () => "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok",
              ),
            }
          : okAnswer("next"),
      { unreadBodies: true },
    );
    await using proxy = await startProxy();
    proxy.route(up.target);
    using client = await rawConnection(proxy.port);
    client.send(`POST /up HTTP/1.1\r\nHost: app.test\r\nContent-Length: ${size}\r\n\r\n`);
    const body = client.stream(size);
    await until(() => up.requests.length === 1, "the upload's head at the instance");
    await untilStalled(() => body.sent, "the upload", 200);
    answer.open();
    expect((await client.response()).body).toBe("ok");
    client.send(getRequest("/next"));
    try {
      expect((await client.response(3000)).body).toBe("next");
      return "served";
    } catch (error) {
      if (String(error).includes("connection closed")) return "closed";
      throw error;
    }
  }

  test("an upload the instance leaves unread, then Connection: close: the client is never left stuck", async () => {
    let fits = 0;
    let tooLarge = 32 * MB;
    while (tooLarge - fits > 32 * 1024) {
      const size = Math.round((fits + tooLarge) / 2);
      if ((await uploadThenNext(size)) === "served") fits = size;
      else tooLarge = size;
    }
    expect(fits).toBeGreaterThan(0);
  }, 60_000);
});

describe("proxy front: idle connections", () => {
  test("half a head that stops coming gets 408 at the idle timeout; an idle connection is closed", async () => {
    // The front alone, with a 1 s idle timeout (Bun's socket timers tick every 4 s).
    const front = createFront({
      host: "127.0.0.1",
      port: 0,
      choose: () => null,
      ownPort: 1,
      peerToken: "test",
      traffic: createInstanceTraffic(),
      reportFailure() {},
      log: silentLogger,
      idleSeconds: 1,
    });
    try {
      using partial = await rawConnection(front.port);
      using idle = await rawConnection(front.port);
      partial.send("GET /slowloris HTTP/1.1\r\nHost: app.test\r\n");
      const res = await partial.response(15_000);
      expect(res.status).toBe(408);
      expect(res.body).toBe("hotreload proxy: the rest of the request head never came\n");
      await partial.closed();
      await idle.closed(15_000);
    } finally {
      front.stop();
    }
  }, 30_000);
});
