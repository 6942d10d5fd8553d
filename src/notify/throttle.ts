/**
 * At most one notification per kind per interval, so a crash loop or a flapping health
 * check cannot flood the desktop. Time comes from the injected clock.
 */
import type { Clock } from "../clock.ts";
import type { NotifyKind } from "./types.ts";

export const DEFAULT_THROTTLE_MS = 10_000;

export interface Throttle {
  /** True when a notification of this kind may go out now; records it as sent. */
  allow(kind: NotifyKind): boolean;
  /** Milliseconds until this kind may go out again (0 when it may now). */
  waitFor(kind: NotifyKind): number;
}

export function createThrottle(clock: Clock, intervalMs = DEFAULT_THROTTLE_MS): Throttle {
  const lastSent = new Map<NotifyKind, number>();
  const waitFor = (kind: NotifyKind) => {
    const last = lastSent.get(kind);
    return last === undefined ? 0 : Math.max(0, last + intervalMs - clock.now());
  };
  return {
    waitFor,
    allow(kind) {
      if (waitFor(kind) > 0) return false;
      lastSent.set(kind, clock.now());
      return true;
    },
  };
}
