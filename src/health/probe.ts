/**
 * HTTP readiness probe: GET the URL every interval with a per-attempt timeout, up to
 * maxRetries attempts. Only an expected status (2xx by default) marks the server ready;
 * redirects are not followed.
 * Cancellable, because the engine abandons a probe when the process exits or is swapped.
 */
import { type Clock, createSystemClock } from "../clock.ts";
import { type Logger, silentLogger } from "../log.ts";
import { describeFetchError } from "./describe-error.ts";
import { formatRange, type StatusRange, statusMatches } from "./expect-status.ts";

export interface ProbeOptions {
  url: string;
  timeoutMs: number;
  intervalMs: number;
  maxRetries: number;
  /** Statuses that count as ready; default 200-299. */
  expectStatus?: readonly StatusRange[];
  clock?: Clock;
  signal?: AbortSignal;
  /** Called after every attempt; error is absent on the successful one. */
  onAttempt?(attempt: number, error?: string): void;
  log?: Logger;
}

export type ProbeResult =
  | { ok: true; attempts: number; status: number; ms: number }
  | { ok: false; attempts: number; error: string };

const CANCELLED = "health check cancelled";
const DEFAULT_RANGES: readonly StatusRange[] = [[200, 299]];

/** While nothing listens yet, look again this soon, doubling up to QUICK_RETRY_MAX_MS. */
export const QUICK_RETRY_MS = 10;
export const QUICK_RETRY_MAX_MS = 100;

/**
 * Each counted attempt is a window of `intervalMs` that starts with a request. While the
 * server is not listening yet (connection refused), the window re-tries after 10, 20,
 * 40 ms… (then every 100 ms; a refused loopback connection costs next to nothing): a server that binds its port 30 ms after start is ready 30 ms after start, not
 * one interval later, and a slow one still gets `maxRetries` full intervals.
 */
export async function probeHealth(opts: ProbeOptions): Promise<ProbeResult> {
  const clock = opts.clock ?? createSystemClock();
  const started = clock.now();
  const max = Math.max(1, Math.floor(opts.maxRetries));
  const cancelled = (attempts: number): ProbeResult => ({ ok: false, attempts, error: CANCELLED });
  let lastError = CANCELLED;
  for (let attempt = 1; attempt <= max; attempt++) {
    if (opts.signal?.aborted) return cancelled(attempt - 1);
    const windowEnd = clock.now() + opts.intervalMs;
    let outcome = await attemptOnce(opts, clock);
    let step = QUICK_RETRY_MS;
    while (outcome.kind === "failed" && outcome.refused && clock.now() + step < windowEnd) {
      if (!(await wait(step, clock, opts.signal))) return cancelled(attempt);
      outcome = await attemptOnce(opts, clock);
      step = Math.min(step * 2, QUICK_RETRY_MAX_MS);
    }
    if (outcome.kind === "cancelled") return cancelled(attempt);
    if (outcome.kind === "ok") {
      opts.onAttempt?.(attempt);
      return {
        ok: true,
        attempts: attempt,
        status: outcome.status,
        ms: Math.round(clock.now() - started),
      };
    }
    lastError = outcome.error;
    opts.onAttempt?.(attempt, lastError);
    const rest = Math.max(0, windowEnd - clock.now());
    if (attempt < max && !(await wait(rest, clock, opts.signal))) return cancelled(attempt);
  }
  return { ok: false, attempts: max, error: `${lastError} (after ${max} attempts)` };
}

type Attempt =
  | { kind: "ok"; status: number }
  | { kind: "failed"; error: string; refused: boolean }
  | { kind: "cancelled" };

async function attemptOnce(opts: ProbeOptions, clock: Clock): Promise<Attempt> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = clock.setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, opts.timeoutMs);
  const onAbort = () => controller.abort();
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const response = await fetch(opts.url, {
      signal: controller.signal,
      redirect: "manual",
      headers: { "user-agent": "hotreload-health" },
    });
    // Free the connection; the body is not part of the verdict.
    await response.body?.cancel().catch((error: unknown) => {
      // A body that already ended or errored cannot hold the connection: nothing to free.
      (opts.log ?? silentLogger).debug(`discarding health body: ${String(error)}`);
    });
    const expect = opts.expectStatus ?? DEFAULT_RANGES;
    if (statusMatches(expect, response.status)) {
      return { kind: "ok", status: response.status };
    }
    const location = response.headers.get("location");
    const where = location ? ` to ${location}` : "";
    const listed = expect.map(formatRange).join(", ");
    const wanted = listed === "200-299" ? "2xx" : listed;
    return {
      kind: "failed",
      error: `GET ${opts.url} answered ${response.status} ${response.statusText}${where}; only ${wanted} counts as ready (health_check.expect_status)`,
      refused: false,
    };
  } catch (error) {
    if (timedOut) {
      return {
        kind: "failed",
        error: `GET ${opts.url} timed out after ${opts.timeoutMs}ms`,
        refused: false,
      };
    }
    if (opts.signal?.aborted) return { kind: "cancelled" };
    const code = (error as { code?: unknown })?.code;
    return {
      kind: "failed",
      error: describeFetchError(opts.url, error),
      refused: code === "ECONNREFUSED" || code === "ConnectionRefused",
    };
  } finally {
    clock.clearTimeout(timer);
    opts.signal?.removeEventListener("abort", onAbort);
  }
}

/** Waits ms on the clock; false if the signal aborted first. */
function wait(ms: number, clock: Clock, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = () => {
      clock.clearTimeout(timer);
      resolve(false);
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
