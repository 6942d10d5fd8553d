import { describe, expect, test } from "bun:test";
import { createCrashTracker, nextDelay } from "../../src/run/crash-backoff.ts";
import { createFakeClock } from "../helpers/fake-clock.ts";

const policy = { initialMs: 1000, maxMs: 32_000 };

describe("nextDelay", () => {
  test("doubles from the initial delay and caps at the maximum", () => {
    const delays = Array.from({ length: 9 }, (_, i) => nextDelay(i + 1, policy));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 32_000, 32_000, 32_000]);
  });

  test("huge attempt counts stay at the cap (no overflow to Infinity)", () => {
    expect(nextDelay(10_000, policy)).toBe(32_000);
  });

  test("a cap below the initial delay never shortens the first wait", () => {
    expect(nextDelay(3, { initialMs: 500, maxMs: 100 })).toBe(500);
  });

  test("attempt 0 or less is treated as the first", () => {
    expect(nextDelay(0, policy)).toBe(1000);
  });
});

describe("crash tracker", () => {
  test("consecutive quick crashes back off 1s, 2s, 4s", () => {
    const clock = createFakeClock();
    const tracker = createCrashTracker({ ...policy, resetAfterMs: 10_000 });
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      tracker.started(clock.now());
      clock.advance(200);
      const delay = tracker.crashed(clock.now());
      delays.push(delay);
      clock.advance(delay);
    }
    expect(delays).toEqual([1000, 2000, 4000]);
    expect(tracker.attempts).toBe(3);
  });

  test("a run that lasted reset_after counts as a fresh first crash", () => {
    const clock = createFakeClock();
    const tracker = createCrashTracker({ ...policy, resetAfterMs: 10_000 });
    tracker.started(clock.now());
    tracker.crashed(clock.now() + 10);
    tracker.started(clock.now());
    tracker.crashed(clock.now() + 10);
    expect(tracker.attempts).toBe(2);
    tracker.started(clock.now());
    clock.advance(10_000);
    expect(tracker.crashed(clock.now())).toBe(1000);
    expect(tracker.attempts).toBe(1);
  });

  test("a run just shorter than reset_after keeps counting", () => {
    const tracker = createCrashTracker({ ...policy, resetAfterMs: 10_000 });
    tracker.started(0);
    tracker.crashed(5);
    tracker.started(1000);
    expect(tracker.crashed(1000 + 9_999)).toBe(2000);
  });

  test("stayedUp resets only once the uptime reaches reset_after", () => {
    const tracker = createCrashTracker({ ...policy, resetAfterMs: 10_000 });
    tracker.crashed(0);
    tracker.crashed(0);
    tracker.stayedUp(9_999);
    expect(tracker.attempts).toBe(2);
    tracker.stayedUp(10_000);
    expect(tracker.attempts).toBe(0);
  });

  test("reset forgets the count (a real code change during backoff)", () => {
    const tracker = createCrashTracker({ ...policy, resetAfterMs: 10_000 });
    for (let i = 0; i < 5; i++) tracker.crashed(0);
    tracker.reset();
    expect(tracker.crashed(0)).toBe(1000);
  });
});
