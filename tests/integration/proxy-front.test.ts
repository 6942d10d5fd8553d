/**
 * The proxy's raw HTTP/1.1 front (src/proxy/http1/) on real sockets: pipelining, chunked
 * request bodies, request smuggling, head limits, keep-alive connections that move between
 * instances, the re-send of a request whose reused upstream connection closed under it,
 * HTTP/1.0, upstream Connection: close and garbage, and drains of raw exchanges. More in
 * proxy-front-edges.test.ts.
 */
import { describe, expect, test } from "bun:test";
import { PEER_HEADER } from "../../src/proxy/http1/request-head.ts";
import {
  gate,
  getRequest,
  okAnswer,
  type RawAnswer,
  rawConnection,
  startEchoUpstream,
  startProxy,
  startRawUpstream,
  startUpstream,
  type Upstream,
  until,
  untilStalled,
} from "../helpers/proxy-harness.ts";

/**
 * The drain tests' set-up: the raw client's request is in flight on `a` (built by the
 * test), and the route has just moved to a second instance, `b`.
 */
async function inFlightOn(a: Upstream, request: string) {
  const b = startUpstream("b");
  const proxy = await startProxy();
  proxy.route(a.target);
  const client = await rawConnection(proxy.port);
  client.send(request);
  await until(() => a.served === 1, "the request at a");
  proxy.route(b.target);
  return {
    b,
    proxy,
    client,
    async [Symbol.asyncDispose]() {
      client[Symbol.dispose]();
      await proxy[Symbol.asyncDispose]();
      await b[Symbol.asyncDispose]();
    },
  };
}

describe("proxy front", () => {
  test("pipelined requests on one connection are answered in order", async () => {
    const first = gate();
    await using up = startUpstream("a", async (req) => {
      const path = new URL(req.url).pathname;
      // The first answer is the slowest: an out-of-order front would answer /2 first.
      if (path === "/1") await first.promise;
      return new Response(`${path}:${await req.text()}`);
    });
    await using proxy = await startProxy();
    proxy.route(up.target);
    using client = await rawConnection(proxy.port);
    client.send(
      `${getRequest("/1")}POST /2 HTTP/1.1\r\nHost: app.test\r\nContent-Length: 4\r\n\r\nbody${getRequest("/3")}HEAD /4 HTTP/1.1\r\nHost: app.test\r\n\r\n${getRequest("/5")}`,
    );
    await until(() => up.served === 1, "the first request at the instance");
    first.open();
    const bodies: string[] = [];
    for (let i = 0; i < 3; i++) bodies.push((await client.response()).body);
    expect(bodies).toEqual(["/1:", "/2:body", "/3:"]);
    const head = await client.headResponse();
    expect(head.status).toBe(200);
    // The HEAD's answer has no body: the next bytes are /5's answer.
    expect(head.headers.get("content-length")).toBe("3");
    const fifth = await client.response();
    expect(fifth.body).toBe("/5:");
    expect(up.served).toBe(5);
  });

  test("a request pipelined behind one that waits is left in the client until its turn", async () => {
    const slow = gate();
    await using up = startUpstream("a", async (req) => {
      if (req.url.endsWith("/slow")) await slow.promise;
      return new Response(`${new URL(req.url).pathname}:${(await req.arrayBuffer()).byteLength}`);
    });
    await using proxy = await startProxy();
    proxy.route(up.target);
    using client = await rawConnection(proxy.port);
    const size = 32 * 1024 * 1024;
    // One write, on a connection whose upstream is still opening when it arrives.
    client.send(
      `${getRequest("/slow")}POST /big HTTP/1.1\r\nHost: app.test\r\nContent-Length: ${size}\r\n\r\n`,
    );
    const body = client.stream(size);
    await until(() => up.served === 1, "the slow request at the instance");
    const sent = await untilStalled(() => body.sent, "the client's sends", 200);
    // The proxy read at most a few MB of the 32 MB (socket buffers): the rest waits in the client.
    expect(sent).toBeLessThan(16 * 1024 * 1024);
    slow.open();
    expect((await client.response()).body).toBe("/slow:0");
    expect((await client.response(20_000)).body).toBe(`/big:${size}`);
  }, 30_000);

  test("a chunked request body reaches the instance intact, in pieces, with extensions", async () => {
    await using up = startEchoUpstream("a");
    await using proxy = await startProxy();
    proxy.route(up.target);
    using client = await rawConnection(proxy.port);
    client.send("POST /upload HTTP/1.1\r\nHost: app.test\r\nTransfer-Encoding: chunked\r\n\r\n");
    client.send("5;name=value\r\nhel");
    client.send("lo\r\n");
    client.send("1A\r\n abcdefghijklmnopqrstuvwxy\r\n");
    client.send("0\r\n\r\n");
    const seen = JSON.parse((await client.response()).body);
    expect(seen.body).toBe("hello abcdefghijklmnopqrstuvwxy");
    expect(seen.headers["transfer-encoding"]).toBe("chunked");
    // The body's end was found where it is: the connection carries the next request.
    client.send(getRequest("/after"));
    expect(JSON.parse((await client.response()).body).path).toBe("/after");
    expect(up.served).toBe(2);
  });

  const SMUGGLING: [string, string, number, string][] = [
    [
      "Content-Length and Transfer-Encoding",
      "POST / HTTP/1.1\r\nHost: app.test\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: app.test\r\n\r\n",
      400,
      "both Transfer-Encoding and Content-Length",
    ],
    [
      "two different Content-Lengths",
      "POST / HTTP/1.1\r\nHost: app.test\r\nContent-Length: 0\r\nContent-Length: 44\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: app.test\r\n\r\n",
      400,
      "a Content-Length that is not one number",
    ],
    [
      "a Transfer-Encoding that does not end in chunked",
      "POST / HTTP/1.1\r\nHost: app.test\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n",
      501,
      "a Transfer-Encoding that does not end in chunked",
    ],
    [
      "a bare LF ending a header line",
      "POST / HTTP/1.1\r\nHost: app.test\nContent-Length: 5\r\n\r\nhello",
      400,
      "a bare CR or LF in the head",
    ],
  ];

  for (const [what, request, status, reason] of SMUGGLING)
    test(`smuggling: ${what} → ${status}, the connection closes, the instance sees nothing`, async () => {
      await using up = startEchoUpstream("a");
      await using proxy = await startProxy();
      proxy.route(up.target);
      using client = await rawConnection(proxy.port);
      client.send(request);
      const res = await client.response();
      expect(res.status).toBe(status);
      expect(res.body).toBe(`hotreload proxy: ${reason}\n`);
      await client.closed();
      expect(up.served).toBe(0);
    });

  test("a 70 KB head gets 431, whether it arrives whole or never ends", async () => {
    await using up = startEchoUpstream("a");
    await using proxy = await startProxy();
    proxy.route(up.target);
    const big = `X-Big: ${"a".repeat(70 * 1024)}`;
    for (const request of [getRequest("/", big), `GET / HTTP/1.1\r\nHost: app.test\r\n${big}`]) {
      using client = await rawConnection(proxy.port);
      client.send(request);
      const res = await client.response();
      expect(res.status).toBe(431);
      expect(res.body).toBe("hotreload proxy: the request head is too large\n");
      await client.closed();
    }
    expect(up.served).toBe(0);
  });

  test("a keep-alive connection that served instance A serves B after route(B), on the same connection", async () => {
    await using a = startEchoUpstream("a");
    await using b = startEchoUpstream("b");
    await using proxy = await startProxy();
    proxy.route(a.target);
    using client = await rawConnection(proxy.port);
    client.send(getRequest("/1"));
    expect(JSON.parse((await client.response()).body).name).toBe("a");
    client.send(getRequest("/2"));
    expect(JSON.parse((await client.response()).body).name).toBe("a");
    proxy.route(b.target);
    client.send(getRequest("/3"));
    expect(JSON.parse((await client.response()).body).name).toBe("b");
    proxy.route(a.target);
    client.send(getRequest("/4"));
    expect(JSON.parse((await client.response()).body).name).toBe("a");
    expect([a.served, b.served]).toEqual([3, 1]);
  });

  test("an instance that closes idle keep-alive connections: the next requests, GET or POST, go on a new one", async () => {
    await using up = startRawUpstream(
      (req) => okAnswer(`${req.head.split(" ")[0]} on ${req.connection}`),
      {
        idleCloseMs: 50,
      },
    );
    await using proxy = await startProxy();
    proxy.route(up.target);
    using client = await rawConnection(proxy.port);
    client.send(getRequest("/first"));
    expect((await client.response()).body).toBe("GET on 1");
    await until(() => up.idleClosed === 1, "the instance's idle close");
    client.send("POST /form HTTP/1.1\r\nHost: app.test\r\nContent-Length: 1\r\n\r\nx");
    expect((await client.response()).body).toBe("POST on 2");
    await until(() => up.idleClosed === 2, "the instance's second idle close");
    client.send(getRequest("/again"));
    expect((await client.response()).body).toBe("GET on 3");
    expect(up.requests).toHaveLength(3);
  });

  /**
   * An instance whose idle timeout fires just as the next request arrives on a kept-alive
   * connection: it closes that connection without answering (the race the front re-sends for).
   */
  function closingIdleUpstream() {
    return startRawUpstream(
      (req): RawAnswer =>
        req.nth === 1
          ? okAnswer(`${req.head.split(" ")[0]} on ${req.connection}`)
          : { close: true },
    );
  }

  test("a GET whose reused upstream connection closes before any answer byte is sent again, once", async () => {
    await using up = closingIdleUpstream();
    await using proxy = await startProxy();
    proxy.route(up.target);
    using client = await rawConnection(proxy.port);
    client.send(getRequest("/first"));
    expect((await client.response()).body).toBe("GET on 1");
    client.send(getRequest("/second"));
    const second = await client.response();
    expect(second.status).toBe(200);
    expect(second.body).toBe("GET on 2");
    // It reached the instance twice: on the closing connection, then on a new one.
    expect(up.requests.map((r) => [r.connection, r.head.split("\r\n")[0]])).toEqual([
      [1, "GET /first HTTP/1.1"],
      [1, "GET /second HTTP/1.1"],
      [2, "GET /second HTTP/1.1"],
    ]);
    // The client connection goes on.
    client.send(getRequest("/third"));
    expect((await client.response()).status).toBe(200);
  });

  test("a POST in the same situation gets a 502 and is never sent twice", async () => {
    await using up = closingIdleUpstream();
    await using proxy = await startProxy();
    proxy.route(up.target);
    using client = await rawConnection(proxy.port);
    client.send(getRequest("/first"));
    expect((await client.response()).body).toBe("GET on 1");
    client.send("POST /pay HTTP/1.1\r\nHost: app.test\r\nContent-Length: 3\r\n\r\n100");
    const res = await client.response();
    expect(res.status).toBe(502);
    expect(res.body).toContain(`instance ${up.target.id} (127.0.0.1:${up.port})`);
    await client.closed();
    const posts = up.requests.filter((r) => r.head.startsWith("POST "));
    expect(posts).toHaveLength(1);
    expect(posts[0]?.body).toBe("100");
    expect(up.connections).toBe(1);
  });

  test("the re-send carries the request's body, and a HEAD's answer is read as a HEAD's", async () => {
    await using up = startRawUpstream((req): RawAnswer => {
      if (req.nth > 1) return { close: true };
      // A HEAD's answer says the length of the body it does not send.
      if (req.head.startsWith("HEAD ")) return "HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n";
      return okAnswer(`${req.head.split(" ")[0]} ${req.body}`);
    });
    await using proxy = await startProxy();
    proxy.route(up.target);
    using client = await rawConnection(proxy.port);
    client.send(getRequest("/first"));
    expect((await client.response()).body).toBe("GET ");
    client.send("PUT /doc HTTP/1.1\r\nHost: app.test\r\nContent-Length: 5\r\n\r\n");
    client.send("hello");
    expect((await client.response()).body).toBe("PUT hello");
    client.send("HEAD /doc HTTP/1.1\r\nHost: app.test\r\n\r\n");
    const head = await client.headResponse();
    expect(head.headers.get("content-length")).toBe("99");
    // Had the front waited for 99 body bytes, this would never be answered.
    client.send(getRequest("/after"));
    expect((await client.response()).body).toBe("GET ");
    expect(up.requests.map((r) => `${r.connection}:${r.head.split(" ")[0]} ${r.body}`)).toEqual([
      "1:GET ",
      "1:PUT hello",
      "2:PUT hello",
      "2:HEAD ",
      "3:HEAD ",
      "3:GET ",
      "4:GET ",
    ]);
  });

  test("a request larger than the re-send keeps is not sent again: 502", async () => {
    await using up = closingIdleUpstream();
    await using proxy = await startProxy();
    proxy.route(up.target);
    using client = await rawConnection(proxy.port);
    client.send(getRequest("/first"));
    expect((await client.response()).status).toBe(200);
    const body = "x".repeat(100 * 1024);
    client.send(
      `PUT /big HTTP/1.1\r\nHost: app.test\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    expect((await client.response()).status).toBe(502);
    expect(up.requests.filter((r) => r.head.startsWith("PUT "))).toHaveLength(1);
  });

  test("one connection alternates between the instance and the proxy's own paths", async () => {
    await using up = startEchoUpstream("a");
    await using proxy = await startProxy();
    proxy.route(up.target);
    using client = await rawConnection(proxy.port);
    for (let i = 0; i < 3; i++) {
      client.send(getRequest(`/app/${i}`));
      expect(JSON.parse((await client.response()).body).path).toBe(`/app/${i}`);
      client.send(
        getRequest("/__hotreload/status", `Host: 127.0.0.1:${proxy.port}`).replace(
          "Host: app.test\r\n",
          "",
        ),
      );
      const status = await client.response();
      expect(status.status).toBe(200);
      expect(JSON.parse(status.body).ready).toBe(true);
    }
    expect(up.served).toBe(3);
  });

  test("an x-hotreload-peer a client sends never reaches the instance, directly or via the own server", async () => {
    await using up = startEchoUpstream("a");
    // Live reload on: a page navigation goes through the proxy's own server.
    await using proxy = await startProxy({ liveReload: true });
    proxy.route(up.target);
    using client = await rawConnection(proxy.port);
    for (const dest of ["empty", "document"]) {
      client.send(
        getRequest(
          "/",
          `Sec-Fetch-Dest: ${dest}`,
          `${PEER_HEADER}: forged 203.0.113.66`,
          `X-HotReload-Peer:forged 203.0.113.67`,
        ),
      );
      const res = await client.response();
      expect(res.status).toBe(200);
      const seen = JSON.parse(res.body);
      expect({ dest, peer: seen.headers[PEER_HEADER] }).toEqual({ dest, peer: undefined });
      expect(res.body).not.toContain("forged");
      // The client's address is the real one, not the forged one.
      expect(seen.headers["x-forwarded-for"]).toBe("127.0.0.1");
    }
    expect(up.served).toBe(2);
  });

  test("HTTP/1.0 without keep-alive: answered, then the connection closes", async () => {
    await using up = startEchoUpstream("a");
    await using proxy = await startProxy();
    proxy.route(up.target);
    using client = await rawConnection(proxy.port);
    client.send("GET /old HTTP/1.0\r\nHost: app.test\r\n\r\n");
    const res = await client.response();
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).path).toBe("/old");
    await client.closed();
  });

  test("HTTP/1.0 with keep-alive: the connection stays for the next request", async () => {
    await using up = startEchoUpstream("a");
    await using proxy = await startProxy();
    proxy.route(up.target);
    using client = await rawConnection(proxy.port);
    for (const path of ["/1", "/2"]) {
      client.send(`GET ${path} HTTP/1.0\r\nHost: app.test\r\nConnection: keep-alive\r\n\r\n`);
      expect(JSON.parse((await client.response()).body).path).toBe(path);
    }
  });

  test("HTTP/1.0 with keep-alive (ab -k): each answer says keep-alive; both hops are reused", async () => {
    await using up = startRawUpstream(
      (req) => `HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nnth ${req.nth}\n`,
    );
    await using proxy = await startProxy();
    proxy.route(up.target);
    using client = await rawConnection(proxy.port);
    for (const n of [1, 2, 3]) {
      client.send(`GET /${n} HTTP/1.0\r\nHost: app.test\r\nConnection: Keep-Alive\r\n\r\n`);
      const res = await client.response();
      expect(res.body).toBe(`nth ${n}\n`);
      // An HTTP/1.0 client takes an answer without it as the connection's last.
      expect(res.headers.get("connection")).toBe("keep-alive");
    }
    expect(up.requests.map((r) => [r.connection, r.nth])).toEqual([
      [1, 1],
      [1, 2],
      [1, 3],
    ]);
    expect(up.requests[0]?.head).toMatch(/^GET \/1 HTTP\/1\.0\r\n/);
    expect(up.requests[0]?.head).toContain("\r\nConnection: keep-alive\r\n");
  });

  test("an instance's Connection: close ends its hop only: the client keeps its connection", async () => {
    // It says close but leaves the connection open a while, as a lazy server may: the front
    // must not send the next request on it.
    await using up = startRawUpstream(
      (req) =>
        `HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 6\r\n\r\nconn ${req.connection}`,
    );
    await using proxy = await startProxy();
    proxy.route(up.target);
    using client = await rawConnection(proxy.port);
    for (const n of [1, 2, 3]) {
      client.send(getRequest(`/${n}`));
      const res = await client.response();
      expect(res.body).toBe(`conn ${n}`);
      // Connection is about the hop to the instance: it does not reach the client.
      expect(res.headers.has("connection")).toBe(false);
    }
    // Each request went once, each on a connection of its own: none on a closing one.
    expect(up.requests.map((r) => [r.connection, r.nth])).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
    ]);
  });

  test("an answer framed by the close of its connection reaches the client whole, then the client's connection closes", async () => {
    await using up = startRawUpstream(() => ({
      write: "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end",
      close: true,
    }));
    await using proxy = await startProxy();
    proxy.route(up.target);
    using client = await rawConnection(proxy.port);
    client.send(getRequest("/"));
    const res = await client.response();
    expect(res.body).toBe("until the end");
    await client.closed();
  });

  test("an upstream that answers with garbage: 502 naming the instance and what it sent", async () => {
    await using up = startRawUpstream(() => "SSH-2.0-OpenSSH_9.6\r\n\r\n");
    await using proxy = await startProxy();
    proxy.route(up.target);
    using client = await rawConnection(proxy.port);
    client.send(getRequest("/"));
    const res = await client.response();
    expect(res.status).toBe(502);
    expect(res.body).toBe(
      `hotreload proxy: instance ${up.target.id} (127.0.0.1:${up.port}) answered with a malformed status line\n`,
    );
    expect(res.body).not.toContain("SSH");
    await client.closed();
  });

  test("a drain waits for an in-flight raw exchange; the client's connection then moves on", async () => {
    const slow = gate();
    await using a = startUpstream("a", async () => {
      await slow.promise;
      return new Response("a, late");
    });
    await using flight = await inFlightOn(a, getRequest("/slow"));
    const { proxy, client } = flight;
    const drained = proxy.drain(a.target.id, 10_000);
    let settled = false;
    void drained.then(() => {
      settled = true;
    });
    // The drain waits: a fresh request goes to b meanwhile, and the drain is still open.
    expect(await (await fetch(`${proxy.url}/`)).text()).toBe("b");
    expect(settled).toBe(false);
    slow.open();
    expect((await client.response()).body).toBe("a, late");
    expect(await drained).toEqual({ finished: 1, cut: 0, websockets: 0 });
    client.send(getRequest("/next"));
    expect((await client.response()).body).toBe("b");
  });

  test("a drain cuts at its timeout: an exchange not yet answered gets 502 and its connection closes", async () => {
    const never = gate();
    await using a = startUpstream("a", async () => {
      await never.promise;
      return new Response("too late");
    });
    await using flight = await inFlightOn(a, getRequest("/never"));
    const { proxy, client } = flight;
    expect(await proxy.drain(a.target.id, 200)).toEqual({ finished: 0, cut: 1, websockets: 0 });
    const res = await client.response();
    expect(res.status).toBe(502);
    expect(res.body).toBe(
      `hotreload proxy: instance ${a.target.id} (127.0.0.1:${a.port}) cut at the end of its drain\n`,
    );
    await client.closed();
    never.open();
  });

  test("a drain cuts at its timeout: an upload still coming gets 502 and its connection closes", async () => {
    await using a = startEchoUpstream("a");
    await using flight = await inFlightOn(
      a,
      "POST /upload HTTP/1.1\r\nHost: app.test\r\nContent-Length: 1000\r\n\r\npart of it",
    );
    const { proxy, client } = flight;
    expect(await proxy.drain(a.target.id, 200)).toEqual({ finished: 0, cut: 1, websockets: 0 });
    const res = await client.response();
    expect(res.status).toBe(502);
    expect(res.body).toContain("cut at the end of its drain");
    await client.closed();
  });

  test("a client that goes away mid-exchange: the instance's request is aborted, a drain does not wait for it", async () => {
    let aborted = false;
    await using a = startUpstream("a", (req) => {
      req.signal.addEventListener("abort", () => {
        aborted = true;
      });
      return new Promise<Response>(() => {});
    });
    await using b = startUpstream("b");
    await using proxy = await startProxy();
    proxy.route(a.target);
    const client = await rawConnection(proxy.port);
    client.send(getRequest("/forever"));
    await until(() => a.served === 1, "the request at a");
    client[Symbol.dispose]();
    await until(() => aborted, "the instance's request aborted");
    proxy.route(b.target);
    expect(await proxy.drain(a.target.id, 10_000)).toMatchObject({ cut: 0 });
  });

  test("a drain cuts at its timeout: a stream already answering is closed mid-answer", async () => {
    await using a = startUpstream(
      "a",
      () =>
        new Response(
          new ReadableStream({
            start(c) {
              c.enqueue(new TextEncoder().encode("data: tick\n\n"));
            },
          }),
          { headers: { "content-type": "text/event-stream" } },
        ),
    );
    await using b = startUpstream("b");
    await using proxy = await startProxy();
    proxy.route(a.target);
    using client = await rawConnection(proxy.port);
    client.send(getRequest("/events"));
    await client.received("data: tick");
    proxy.route(b.target);
    expect(await proxy.drain(a.target.id, 200)).toEqual({ finished: 0, cut: 1, websockets: 0 });
    await client.closed();
  });
});
