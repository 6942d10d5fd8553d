import { expect, test } from "bun:test";
import { createThrottle } from "../../src/notify/throttle.ts";
import { createFakeClock } from "../helpers/fake-clock.ts";

test("one notification per kind per interval, kinds independent", () => {
  const clock = createFakeClock(1000);
  const throttle = createThrottle(clock, 10_000);
  expect(throttle.allow("crash-loop")).toBe(true);
  expect(throttle.allow("crash-loop")).toBe(false);
  expect(throttle.allow("recovered")).toBe(true);
  clock.advance(9_999);
  expect(throttle.waitFor("crash-loop")).toBe(1);
  expect(throttle.allow("crash-loop")).toBe(false);
  clock.advance(1);
  expect(throttle.waitFor("crash-loop")).toBe(0);
  expect(throttle.allow("crash-loop")).toBe(true);
  expect(throttle.allow("crash-loop")).toBe(false);
});

test("a refused notification does not extend the window", () => {
  const clock = createFakeClock();
  const throttle = createThrottle(clock, 100);
  expect(throttle.allow("unhealthy")).toBe(true);
  clock.advance(60);
  expect(throttle.allow("unhealthy")).toBe(false);
  clock.advance(40);
  expect(throttle.allow("unhealthy")).toBe(true);
});
