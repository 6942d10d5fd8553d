import { expect, test } from "bun:test";
import { CLOSE_TOO_SLOW, type ClientSocket, createClientHub } from "../../src/dashboard/clients.ts";
import { silentLogger } from "../../src/log.ts";
import { createFakeClock } from "../helpers/fake-clock.ts";

/** A socket whose buffered amount the test sets, as a stalled reader would cause. */
function fakeSocket() {
  const socket = {
    sent: [] as string[],
    buffered: 0,
    closed: null as { code?: number; reason?: string } | null,
    send(data: string) {
      socket.sent.push(data);
      return data.length;
    },
    getBufferedAmount: () => socket.buffered,
    close(code?: number, reason?: string) {
      socket.closed = { code, reason };
    },
  };
  return socket satisfies ClientSocket;
}

function setup() {
  const clock = createFakeClock();
  const hub = createClientHub<ReturnType<typeof fakeSocket>>({
    clock,
    log: silentLogger,
    gapMessage: (n) => `gap:${n}`,
    highWaterBytes: 100,
    hopelessBytes: 1000,
    hopelessMs: 5000,
  });
  return { clock, hub };
}

test("a client over the high-water mark has messages dropped, then gets one gap marker", () => {
  const { hub } = setup();
  const fast = fakeSocket();
  const slow = fakeSocket();
  hub.add(fast);
  hub.add(slow);
  slow.buffered = 500;
  hub.broadcast("m1", 10);
  hub.broadcast("m2", 5);
  expect(fast.sent).toEqual(["m1", "m2"]);
  expect(slow.sent).toEqual([]);
  slow.buffered = 0;
  hub.broadcast("m3", 1);
  expect(slow.sent).toEqual(["gap:15", "m3"]);
  expect(slow.closed).toBeNull();
});

test("drain delivers the gap marker without waiting for the next broadcast", () => {
  const { hub } = setup();
  const slow = fakeSocket();
  hub.add(slow);
  slow.buffered = 500;
  hub.broadcast("m1", 3);
  hub.drained(slow); // still above the mark: nothing yet
  expect(slow.sent).toEqual([]);
  slow.buffered = 0;
  hub.drained(slow);
  expect(slow.sent).toEqual(["gap:3"]);
});

test("a client buffering far too much is closed with 1013 and removed", () => {
  const { hub } = setup();
  const hopeless = fakeSocket();
  hub.add(hopeless);
  hopeless.buffered = 2000;
  hub.broadcast("m", 1);
  expect(hopeless.closed).toEqual({ code: CLOSE_TOO_SLOW, reason: "too slow" });
  expect(hub.size()).toBe(0);
});

test("a client that keeps dropping for longer than hopelessMs is closed", () => {
  const { clock, hub } = setup();
  const slow = fakeSocket();
  hub.add(slow);
  slow.buffered = 500;
  hub.broadcast("m", 1);
  clock.advance(4000);
  hub.broadcast("m", 1);
  expect(slow.closed).toBeNull();
  clock.advance(1001);
  hub.broadcast("m", 1);
  expect(slow.closed?.code).toBe(CLOSE_TOO_SLOW);
});

test("a send the runtime dropped (status 0) counts as dropped", () => {
  const { hub } = setup();
  const socket = fakeSocket();
  let refuse = true;
  socket.send = (data: string) => {
    if (refuse) return 0;
    socket.sent.push(data);
    return data.length;
  };
  hub.add(socket);
  hub.broadcast("m1", 4);
  refuse = false;
  hub.broadcast("m2", 1);
  expect(socket.sent).toEqual(["gap:4", "m2"]);
});
