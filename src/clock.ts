/**
 * Time as a dependency. Pure decisions (debounce, backoff, the engine) take a Clock so unit
 * tests drive them with a fake one; real code uses systemClock.
 */
/** Bun and Node timers take at most 2^31−1 ms; a longer delay wraps to 1 ms. */
export const MAX_TIMER_MS = 2_147_483_647;

/** A delay no timer wraps around: clamped to [0, MAX_TIMER_MS]. */
export function timerDelay(ms: number): number {
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), MAX_TIMER_MS) : MAX_TIMER_MS;
}

export interface TimerHandle {
  readonly id: number;
}

export interface Clock {
  /** Monotonic milliseconds. */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export function createSystemClock(): Clock {
  // A zero delay runs after pending I/O callbacks (setImmediate), not on the next timer
  // tick, which costs about a millisecond: `--debounce 0` stays as immediate as it says.
  const timers = new Map<number, { cancel(): void }>();
  let next = 1;
  return {
    now: () => performance.now(),
    setTimeout(callback, ms) {
      const id = next++;
      const fire = () => {
        timers.delete(id);
        callback();
      };
      if (ms <= 0) {
        const immediate = setImmediate(fire);
        timers.set(id, { cancel: () => clearImmediate(immediate) });
      } else {
        // Backstop for the schema's bounds: a longer delay would wrap to 1 ms (and warn).
        const timer = setTimeout(fire, timerDelay(ms));
        timers.set(id, { cancel: () => clearTimeout(timer) });
      }
      return { id };
    },
    clearTimeout(handle) {
      timers.get(handle.id)?.cancel();
      timers.delete(handle.id);
    },
  };
}
