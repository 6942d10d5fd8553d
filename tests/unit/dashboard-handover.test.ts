import { expect, test } from "bun:test";
import { createHandover, HANDOVER_WINDOW_MS } from "../../src/dashboard/token-handover.ts";
import { createFakeClock } from "../helpers/fake-clock.ts";

const OLD = "old-token-0123456789abcdefghij";
const NEW = "new-token-0123456789abcdefghij";

test("the previous token is accepted only within the window after start", () => {
  const clock = createFakeClock(5000);
  const h = createHandover({ previous: OLD, current: NEW, startedAt: clock.now() });
  expect(h.accepts(OLD, clock.now())).toBe(true);
  clock.advance(HANDOVER_WINDOW_MS);
  expect(h.accepts(OLD, clock.now())).toBe(true);
  clock.advance(1);
  expect(h.accepts(OLD, clock.now())).toBe(false);
});

test("only the exact previous token; never without one, never when it equals the current", () => {
  const now = 100;
  const h = createHandover({ previous: OLD, current: NEW, startedAt: now, windowMs: 1000 });
  expect(h.accepts(`${OLD}x`, now)).toBe(false);
  expect(h.accepts(OLD.slice(0, -1), now)).toBe(false);
  expect(h.accepts(NEW, now)).toBe(false); // the current token is checked elsewhere
  expect(h.accepts("", now)).toBe(false);
  const none = createHandover({ previous: null, current: NEW, startedAt: now });
  expect(none.accepts(OLD, now)).toBe(false);
  const same = createHandover({ previous: NEW, current: NEW, startedAt: now });
  expect(same.accepts(NEW, now)).toBe(false);
  // A clock reading before the start (cannot happen with a monotonic clock) is refused.
  expect(h.accepts(OLD, now - 1)).toBe(false);
});
