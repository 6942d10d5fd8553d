import { describe, expect, test } from "bun:test";
import { createInstanceTraffic } from "../../src/proxy/instance-traffic.ts";
import { createFakeClock } from "../helpers/fake-clock.ts";

describe("instance traffic", () => {
  test("drain resolves when the last exchange ends, then closes the sockets", async () => {
    const clock = createFakeClock();
    const traffic = createInstanceTraffic(clock);
    const a = traffic.begin(1);
    const b = traffic.begin(1);
    const other = traffic.begin(2);
    const closed: string[] = [];
    traffic.addSocket(1, () => closed.push("ws1"));
    const unregister = traffic.addSocket(1, () => closed.push("gone"));
    unregister();
    let result: unknown = null;
    const drained = traffic.drain(1, 1000).then((r) => {
      result = r;
    });
    a.end();
    a.end();
    await Promise.resolve();
    expect(result).toBeNull();
    expect(closed).toEqual([]);
    b.end();
    await drained;
    expect(result).toEqual({ finished: 2, cut: 0, websockets: 1 });
    expect(closed).toEqual(["ws1"]);
    expect(other.signal.aborted).toBe(false);
    expect(traffic.count(1)).toEqual({ exchanges: 0, websockets: 0 });
    expect(clock.pending()).toBe(0);
  });

  test("at the timeout the rest is cut (aborted) and counted", async () => {
    const clock = createFakeClock();
    const traffic = createInstanceTraffic(clock);
    const stuck = traffic.begin(5);
    const done = traffic.begin(5);
    const drained = traffic.drain(5, 500);
    expect(traffic.drain(5, 500)).toBe(drained);
    done.end();
    clock.advance(500);
    expect(await drained).toEqual({ finished: 1, cut: 1, websockets: 0 });
    expect(stuck.signal.aborted).toBe(true);
  });

  test("an instance with nothing on it drains at once", async () => {
    const traffic = createInstanceTraffic(createFakeClock());
    expect(await traffic.drain(9, 10_000)).toEqual({ finished: 0, cut: 0, websockets: 0 });
  });
});
