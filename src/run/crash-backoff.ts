/**
 * Crash-loop protection, pure. An exit nobody asked for is a crash; the restart waits
 * initial, 2×, 4× … capped at max. A server that stayed up for resetAfter starts over.
 */

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
}

/** Delay before restart number `attempt` (1-based): 1s, 2s, 4s … capped. */
export function nextDelay(attempt: number, policy: BackoffPolicy): number {
  const n = Math.max(1, Math.floor(attempt));
  const initial = Math.max(0, policy.initialMs);
  const max = Math.max(initial, policy.maxMs);
  // Stop doubling once past the cap, so huge attempt counts never overflow to Infinity.
  let delay = initial;
  for (let i = 1; i < n && delay < max; i++) delay *= 2;
  return Math.min(delay, max);
}

export interface CrashTracker {
  /** Consecutive crashes counted so far. */
  readonly attempts: number;
  /** Marks a (re)start at `now` (ms, from the engine's clock). */
  started(now: number): void;
  /**
   * Records a crash at `now`; returns the delay before the next start. A run that lasted
   * resetAfter or longer (since the last `started`) counts as a fresh first crash.
   */
  crashed(now: number): number;
  /** The engine saw the server up for uptimeMs (e.g. on its reset_after timer). */
  stayedUp(uptimeMs: number): void;
  /** Forget all crashes (a real code change, a manual restart). */
  reset(): void;
}

export function createCrashTracker(policy: BackoffPolicy & { resetAfterMs: number }): CrashTracker {
  let attempts = 0;
  let startedAt: number | null = null;
  return {
    get attempts() {
      return attempts;
    },
    started(now) {
      startedAt = now;
    },
    crashed(now) {
      if (startedAt !== null && now - startedAt >= policy.resetAfterMs) attempts = 0;
      startedAt = null;
      attempts += 1;
      return nextDelay(attempts, policy);
    },
    stayedUp(uptimeMs) {
      if (uptimeMs >= policy.resetAfterMs) attempts = 0;
    },
    reset() {
      attempts = 0;
      startedAt = null;
    },
  };
}
