import { describe, expect, test } from "bun:test";
import type { ServerWebSocket } from "bun";
import {
  heldRequests,
  startProxy,
  startUpstream,
  until,
  untilStalled,
} from "../helpers/proxy-harness.ts";

/** An upstream whose websockets echo every frame, prefixed with its name for text. */
function wsUpstream(name: string) {
  const sockets = new Set<ServerWebSocket<unknown>>();
  const pings: string[] = [];
  const closes: Array<{ code: number; reason: string }> = [];
  const up = startUpstream(
    name,
    (req, server) =>
      server.upgrade(req, {
        data: undefined,
        headers: req.headers.get("sec-websocket-protocol")?.includes("chat.v2")
          ? { "Sec-WebSocket-Protocol": "chat.v2" }
          : undefined,
      })
        ? undefined
        : new Response(name),
    {
      open(ws) {
        sockets.add(ws);
      },
      message(ws, message) {
        ws.send(typeof message === "string" ? `${name}:${message}` : message);
      },
      ping(_ws, data) {
        pings.push(data.toString());
      },
      close(ws, code, reason) {
        sockets.delete(ws);
        closes.push({ code, reason });
      },
    },
  );
  return { up, sockets, pings, closes };
}

/** Opens a client websocket and collects what it receives. */
async function openClient(url: string, protocols?: string[]) {
  const ws = new WebSocket(url, protocols);
  ws.binaryType = "arraybuffer";
  const received: Array<string | ArrayBuffer> = [];
  const closed = new Promise<CloseEvent>((resolve) => ws.addEventListener("close", resolve));
  ws.addEventListener("message", (event) => received.push(event.data));
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener("open", () => resolve());
    ws.addEventListener("error", () => reject(new Error(`websocket to ${url} failed`)));
  });
  return { ws, received, closed };
}

describe("proxy websockets", () => {
  test("text, binary, subprotocol, ping and close codes pass both ways", async () => {
    const a = wsUpstream("a");
    await using _up = a.up;
    await using proxy = await startProxy();
    proxy.route(a.up.target);
    const client = await openClient(`${proxy.url.replace("http", "ws")}/socket`, [
      "chat.v1",
      "chat.v2",
    ]);
    expect(client.ws.protocol).toBe("chat.v2");
    client.ws.send("hello");
    client.ws.send(new Uint8Array([1, 2, 3]));
    await until(() => client.received.length === 2, "two echoes");
    expect(client.received[0]).toBe("a:hello");
    expect([...new Uint8Array(client.received[1] as ArrayBuffer)]).toEqual([1, 2, 3]);
    (client.ws as unknown as { ping(data: string): void }).ping("are-you-there");
    await until(() => a.pings.length === 1, "the ping on the instance");
    expect(a.pings).toEqual(["are-you-there"]);
    const clientPings: string[] = [];
    client.ws.addEventListener("ping" as "message", (event) =>
      clientPings.push(Buffer.from(event.data as ArrayBuffer).toString()),
    );
    for (const ws of a.sockets) ws.ping("from-a");
    await until(() => clientPings.length === 1, "the instance's ping at the client");
    expect(clientPings).toEqual(["from-a"]);
    // Close codes from the instance reach the client.
    for (const ws of a.sockets) ws.close(4001, "bye from a");
    const closed = await client.closed;
    expect([closed.code, closed.reason]).toEqual([4001, "bye from a"]);
    // And from the client to the instance.
    const second = await openClient(`${proxy.url.replace("http", "ws")}/socket`);
    second.ws.close(4002, "bye from client");
    await until(
      () => a.closes.some((c) => c.code === 4002),
      "the client's close code on the instance",
    );
    expect(a.closes.find((c) => c.code === 4002)?.reason).toBe("bye from client");
  });

  test("a socket stays on its instance; drain closes it with 1012 while new ones go to the new route", async () => {
    const a = wsUpstream("a");
    const b = wsUpstream("b");
    await using _a = a.up;
    await using _b = b.up;
    await using proxy = await startProxy();
    const url = `${proxy.url.replace("http", "ws")}/socket`;
    proxy.route(a.up.target);
    const old = await openClient(url);
    proxy.route(b.up.target);
    const fresh = await openClient(url);
    old.ws.send("still-a");
    fresh.ws.send("now-b");
    await until(() => old.received.length === 1 && fresh.received.length === 1, "both echoes");
    expect(old.received).toEqual(["a:still-a"]);
    expect(fresh.received).toEqual(["b:now-b"]);
    const drained = await proxy.drain(a.up.target.id, 5000);
    expect(drained).toEqual({ finished: 0, cut: 0, websockets: 1 });
    const closed = await old.closed;
    expect(closed.code).toBe(1012);
    await until(() => a.sockets.size === 0, "the old instance's socket to close");
    fresh.ws.send("after-drain");
    await until(() => fresh.received.length === 2, "the new socket to keep working");
    expect(fresh.received[1]).toBe("b:after-drain");
    fresh.ws.close();
  });

  test("a client that does not read holds the instance back; nothing is dropped", async () => {
    const total = 100;
    const frame = new Uint8Array(1024 * 1024);
    let sent = 0;
    const pump = (ws: ServerWebSocket<unknown>) => {
      while (sent < total) {
        frame[0] = sent;
        sent++;
        if (ws.send(frame) === -1) return; // resumed by drain
      }
    };
    await using up = startUpstream(
      "blast",
      (req, server) => (server.upgrade(req, { data: undefined }) ? undefined : new Response("")),
      {
        open: pump,
        drain: pump,
        message() {},
      },
    );
    await using proxy = await startProxy();
    proxy.route(up.target);
    const ws = new WebSocket(`${proxy.url.replace("http", "ws")}/blast`) as WebSocket & {
      pause(): void;
      resume(): void;
    };
    ws.binaryType = "arraybuffer";
    const firstBytes: number[] = [];
    ws.addEventListener("message", (event) =>
      firstBytes.push(new Uint8Array(event.data as ArrayBuffer)[0] as number),
    );
    ws.addEventListener("open", () => ws.pause());
    const stalled = await untilStalled(() => sent, "the instance's sends");
    // 100 MB would pass if the proxy buffered (or dropped) instead of pushing back.
    expect(stalled).toBeLessThan(60);
    ws.resume();
    await until(() => firstBytes.length === total, `all ${total} frames`, 20_000);
    expect(firstBytes).toEqual(Array.from({ length: total }, (_, i) => i));
    ws.close();
  }, 30_000);

  test("an instance that does not read holds the client back; nothing is dropped", async () => {
    // Frames of 1 MB. The path holds some whatever the proxy does: the kernel's socket
    // buffers on each loopback hop (client → front → own server → instance), up to ~40 MB.
    const total = 150;
    const received: number[] = [];
    let instanceSocket: ServerWebSocket<unknown> | null = null;
    await using up = startUpstream(
      "slow",
      (req, server) => (server.upgrade(req, { data: undefined }) ? undefined : new Response("")),
      {
        open(ws) {
          instanceSocket = ws;
          ws.pause();
        },
        message(_ws, message) {
          received.push((message as Buffer)[0] as number);
        },
      },
    );
    await using proxy = await startProxy();
    proxy.route(up.target);
    const ws = new WebSocket(`${proxy.url.replace("http", "ws")}/slow`);
    await new Promise((resolve) => ws.addEventListener("open", resolve));
    const frame = new Uint8Array(1024 * 1024);
    for (let i = 0; i < total; i++) {
      frame[0] = i;
      ws.send(frame);
    }
    const queued = await untilStalled(() => ws.bufferedAmount, "the client's send queue");
    console.log(
      `websocket to a paused instance: ${(queued / 2 ** 20).toFixed(0)} of ${total} MB still queued in the client`,
    );
    // The path took at most 60 of the 150 MB; the rest waits in the client. A proxy that
    // read on regardless would leave next to nothing queued.
    expect(queued).toBeGreaterThan(90 * 1024 * 1024);
    (instanceSocket as ServerWebSocket<unknown> | null)?.resume();
    await until(() => received.length === total, `all ${total} frames at the instance`, 20_000);
    expect(received).toEqual(Array.from({ length: total }, (_, i) => i));
    ws.close();
  }, 30_000);

  test("an upgrade while nothing can serve is held, then opened on the next route", async () => {
    const a = wsUpstream("a");
    await using _a = a.up;
    await using proxy = await startProxy();
    proxy.setStatus({ kind: "building", hold: true });
    const pending = openClient(`${proxy.url.replace("http", "ws")}/socket`);
    await until(async () => (await heldRequests(proxy)) === 1, "the upgrade held");
    proxy.route(a.up.target);
    const client = await pending;
    client.ws.send("late");
    await until(() => client.received.length === 1, "the echo");
    expect(client.received).toEqual(["a:late"]);
    client.ws.close();
  });

  test("an instance that refuses the upgrade: 502, and the proxy keeps serving", async () => {
    await using up = startUpstream(
      "plain",
      () => new Response("no websockets here", { status: 404 }),
    );
    await using proxy = await startProxy();
    proxy.route(up.target);
    const res = await fetch(`${proxy.url}/socket`, {
      headers: {
        upgrade: "websocket",
        connection: "Upgrade",
        "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
        "sec-websocket-version": "13",
      },
    });
    expect(res.status).toBe(502);
    expect(await (await fetch(`${proxy.url}/`)).text()).toBe("no websockets here");
  });
});
