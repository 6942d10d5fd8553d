/**
 * Requests that wait while no instance can serve: kept in arrival order, at most `max` at
 * once, each for at most `timeoutMs`, and released in that order to the next route. A
 * request whose client goes away leaves the queue.
 */
import { type Clock, createSystemClock, type TimerHandle } from "../clock.ts";

/** Why a held request gets the "nothing can serve" answer instead of an instance. */
export type Unheld = "full" | "timeout" | "released-without-route" | "client-gone";

export type HoldOutcome<T> = { ok: true; target: T } | { ok: false; why: Unheld };

export interface HoldQueue<T> {
  wait(signal?: AbortSignal): Promise<HoldOutcome<T>>;
  /** Every held request goes to `target`, first come first served. */
  release(target: T): void;
  /** Every held request gets the "nothing can serve" answer. */
  releaseWithoutRoute(): void;
  readonly size: number;
}

interface Held<T> {
  settle(outcome: HoldOutcome<T>): void;
}

export function createHoldQueue<T>(options: {
  max: number;
  timeoutMs: number;
  clock?: Clock;
}): HoldQueue<T> {
  const clock = options.clock ?? createSystemClock();
  const held = new Set<Held<T>>();
  const settleAll = (outcome: HoldOutcome<T>) => {
    const waiting = [...held];
    held.clear();
    for (const entry of waiting) entry.settle(outcome);
  };
  return {
    wait(signal) {
      if (held.size >= options.max) return Promise.resolve({ ok: false, why: "full" });
      if (signal?.aborted) return Promise.resolve({ ok: false, why: "client-gone" });
      return new Promise((resolve) => {
        let timer: TimerHandle | null = null;
        const onAbort = () => entry.settle({ ok: false, why: "client-gone" });
        const entry: Held<T> = {
          settle(outcome) {
            held.delete(entry);
            if (timer) clock.clearTimeout(timer);
            signal?.removeEventListener("abort", onAbort);
            resolve(outcome);
          },
        };
        held.add(entry);
        timer = clock.setTimeout(
          () => entry.settle({ ok: false, why: "timeout" }),
          Math.max(0, options.timeoutMs),
        );
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    },
    release: (target) => settleAll({ ok: true, target }),
    releaseWithoutRoute: () => settleAll({ ok: false, why: "released-without-route" }),
    get size() {
      return held.size;
    },
  };
}
