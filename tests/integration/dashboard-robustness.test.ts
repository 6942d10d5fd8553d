import { expect, test } from "bun:test";
import { connect, type Socket } from "node:net";
import {
  openClient,
  rawHttp,
  startTestDashboard,
  statusOf,
  type TestDashboard,
  upgradeRequest,
  waitUntil,
} from "../helpers/dashboard-harness.ts";

async function stillServes(d: TestDashboard): Promise<void> {
  const res = await fetch(`${d.origin}/`);
  expect(res.status).toBe(200);
  using client = await openClient(d.wsUrl(), d.origin);
  await client.next("snapshot");
}

test("malformed requests are answered or dropped, and the server keeps serving", async () => {
  await using d = await startTestDashboard();
  const host = `Host: 127.0.0.1:${d.port}`;
  const junk = [
    "GARBAGE\r\n\r\n",
    "\x00\x01\x02\xff\xfe\r\n\r\n",
    `GET / HTTP/1.1\r\n${host}\r\nX-Big: ${"x".repeat(200_000)}\r\n\r\n`,
    `POST /api/command HTTP/1.1\r\n${host}\r\nContent-Length: 99999999\r\nContent-Type: application/json\r\n\r\n{"comm`,
    `GET /../../../etc/passwd HTTP/1.1\r\n${host}\r\nConnection: close\r\n\r\n`,
    `GET /%00%ff HTTP/1.1\r\n${host}\r\nConnection: close\r\n\r\n`,
    `GET /ws HTTP/1.1\r\n${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n`,
    `${upgradeRequest(d.port)}\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff`, // a broken frame after the upgrade
  ];
  for (const request of junk) {
    const answer = await rawHttp(d.port, Buffer.from(request, "latin1"), /\r\n\r\n/, 5000).catch(
      (error: Error) => `error: ${error.message}`,
    );
    const status = statusOf(answer);
    // Either an HTTP refusal, the upgrade, or the connection closed without an answer.
    expect({ request: request.slice(0, 30), ok: status === 0 || status >= 101 }).toEqual({
      request: request.slice(0, 30),
      ok: true,
    });
    if (request.startsWith("GET /..")) expect(status).toBe(404);
  }
  expect(d.commands).toEqual([]);
  await stillServes(d);
});

test("an oversized websocket message closes that socket only (1009)", async () => {
  await using d = await startTestDashboard();
  using big = await openClient(d.wsUrl(), d.origin);
  using other = await openClient(d.wsUrl(), d.origin);
  await big.next("snapshot");
  big.ws.send(JSON.stringify({ type: "command", command: "x".repeat(5000) }));
  await waitUntil(
    () => big.closed,
    () => "the sender of a 5 KB message was not closed",
  );
  expect(big.closed?.code).toBe(1009);
  expect(d.commands).toEqual([]);
  d.bus.emit({ type: "phase", phase: "building", previous: "idle" });
  await other.next("event", (m) => m.event.type === "phase");
});

/** Connects, writes, and goes away without waiting for an answer. */
function hitAndRun(port: number, data: string): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.on("connect", () => socket.end(data, () => socket.destroy()));
    socket.on("error", () => {
      // A reset from the server is one of the outcomes this test provokes; nothing to do.
    });
    socket.on("close", () => resolve());
  });
}

test("1000 rapid connections (junk, half requests, upgrades) do not crash it", async () => {
  await using d = await startTestDashboard({ maxClients: 16 });
  const statuses = new Map<number, number>();
  for (let round = 0; round < 10; round++) {
    await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        if (i % 4 >= 2) {
          // Cut off mid-request, or blank lines only.
          return hitAndRun(d.port, i % 4 === 2 ? "GET / HTTP/1.1\r\nHo" : "\r\n\r\n\r\n");
        }
        const request =
          i % 4 === 0
            ? upgradeRequest(d.port)
            : `GET / HTTP/1.1\r\nHost: 127.0.0.1:${d.port}\r\nConnection: close\r\n\r\n`;
        const status = statusOf(await rawHttp(d.port, request));
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }),
    );
  }
  expect(statuses.get(200)).toBe(250);
  // The websocket limit held: beyond 16 open sockets, upgrades got 503.
  expect((statuses.get(101) ?? 0) + (statuses.get(503) ?? 0)).toBe(250);
  expect(statuses.get(503) ?? 0).toBeGreaterThan(0);
  await stillServes(d);
}, 60_000);

/** Upgrades a raw socket, then stops reading, as a frozen tab would. */
async function stalledClient(d: TestDashboard) {
  const socket: Socket = connect(d.port, "127.0.0.1");
  let text = "";
  socket.on("data", (chunk) => {
    text += chunk.toString("latin1");
  });
  socket.on("error", () => {
    // Expected when the server closes a hopeless client mid-write; the test checks the log.
  });
  await new Promise<void>((resolve) => socket.on("connect", resolve));
  socket.write(upgradeRequest(d.port));
  await waitUntil(
    () => text.includes('"type":"snapshot"'),
    () => `no snapshot; saw ${text.slice(0, 200)}`,
  );
  socket.pause();
  return {
    socket,
    received: () => text,
    [Symbol.dispose]: () => socket.destroy(),
  };
}

const LINE = "x".repeat(1000);

/** Emits bursts of 1 KB lines, yielding between bursts so the server writes, until `done`. */
async function flood(
  d: TestDashboard,
  done: () => boolean,
  maxLines = 200_000,
  /** Lines a reader that keeps up has received: the flood waits for it (a loaded machine). */
  keptUp?: () => number,
): Promise<number> {
  let sent = 0;
  while (!done() && sent < maxLines) {
    for (let i = 0; i < 1000; i++)
      d.bus.emit({ type: "log", stream: "app", fd: "stdout", line: `${sent++} ${LINE}` });
    await Bun.sleep(1); // yield to the event loop so frames are flushed
    // Pacing for the healthy reader only: on a busy machine its reads come late, and then
    // it would be as far behind as the stalled one. Bounded, so a stuck reader still fails.
    const deadline = performance.now() + 5000;
    while (keptUp && sent - keptUp() > 2000 && performance.now() < deadline) await Bun.sleep(1); // polling interval of a deadline-bounded wait
  }
  return sent;
}

test("a stalled client has events dropped and is closed; a healthy one gets every line", async () => {
  await using d = await startTestDashboard({
    backpressure: { highWaterBytes: 64 * 1024, hopelessBytes: 256 * 1024, hopelessMs: 2000 },
  });
  using healthy = await openClient(d.wsUrl(), d.origin);
  await healthy.next("snapshot");
  using _stalled = await stalledClient(d);
  const closedLine = () => d.logs.find((l) => l.includes("fell too far behind"));
  const received = () => {
    let n = 0;
    for (const m of healthy.messages) if (m.type === "batch") n += m.events.length;
    return n;
  };
  const sent = await flood(d, () => closedLine() !== undefined, 200_000, received);
  expect(closedLine()).toBeDefined();
  const rss = process.memoryUsage().rss;
  expect(rss).toBeLessThan(1024 * 1024 * 1024);
  let lines = 0;
  await waitUntil(
    () => {
      lines = received();
      return lines === sent;
    },
    () => `the healthy client got ${lines} of ${sent} lines`,
  );
  expect(healthy.messages.some((m) => m.type === "gap")).toBe(false);
});

test("a client that falls behind and recovers gets a gap marker with the dropped count", async () => {
  await using d = await startTestDashboard({
    backpressure: {
      highWaterBytes: 64 * 1024,
      hopelessBytes: 512 * 1024 * 1024,
      hopelessMs: 60_000,
    },
  });
  using stalled = await stalledClient(d);
  // Push enough to fill the kernel buffers and pass the high-water mark several times over.
  await flood(d, () => false, 30_000);
  stalled.socket.resume();
  d.bus.emit({ type: "phase", phase: "running", previous: "idle" });
  await waitUntil(
    () => /"type":"gap","dropped":[1-9]/.test(stalled.received()),
    () => `no gap marker; received ${stalled.received().length} bytes`,
    20_000,
  );
  const dropped = Number(/"type":"gap","dropped":(\d+)/.exec(stalled.received())?.[1]);
  expect(dropped).toBeGreaterThan(0);
  expect(dropped).toBeLessThanOrEqual(30_001);
});
