import { describe, expect, test } from "bun:test";
import { createHoldQueue } from "../../src/proxy/hold-queue.ts";
import { createFakeClock } from "../helpers/fake-clock.ts";

describe("hold queue", () => {
  test("released in arrival order to the route", async () => {
    const queue = createHoldQueue<string>({ max: 10, timeoutMs: 1000, clock: createFakeClock() });
    const order: string[] = [];
    const waits = ["a", "b", "c"].map((name) =>
      queue
        .wait()
        .then((outcome) => order.push(`${name}:${outcome.ok ? outcome.target : outcome.why}`)),
    );
    expect(queue.size).toBe(3);
    queue.release("v2");
    await Promise.all(waits);
    expect(order).toEqual(["a:v2", "b:v2", "c:v2"]);
    expect(queue.size).toBe(0);
  });

  test("over the bound: answered at once; each waits at most the timeout", async () => {
    const clock = createFakeClock();
    const queue = createHoldQueue<string>({ max: 2, timeoutMs: 1000, clock });
    const first = queue.wait();
    clock.advance(600);
    const second = queue.wait();
    expect(await queue.wait()).toEqual({ ok: false, why: "full" });
    clock.advance(400);
    expect(await first).toEqual({ ok: false, why: "timeout" });
    expect(queue.size).toBe(1);
    queue.release("v1");
    expect(await second).toEqual({ ok: true, target: "v1" });
    expect(clock.pending()).toBe(0);
  });

  test("a client that goes away leaves; releaseWithoutRoute answers the rest", async () => {
    const queue = createHoldQueue<string>({ max: 5, timeoutMs: 1000, clock: createFakeClock() });
    const gone = new AbortController();
    const leaving = queue.wait(gone.signal);
    const staying = queue.wait();
    gone.abort();
    expect(await leaving).toEqual({ ok: false, why: "client-gone" });
    expect(queue.size).toBe(1);
    queue.releaseWithoutRoute();
    expect(await staying).toEqual({ ok: false, why: "released-without-route" });
  });
});
