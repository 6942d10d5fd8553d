/**
 * The open-loop schedule of the swaps scenario's load client (proc-open-loop.ts): request
 * i is due at `start + i × 1000 / rate`, whatever happened to the earlier ones, so a stall
 * on the server side makes requests pile up instead of making the client slow down (what
 * a closed-loop tool like wrk does, hiding the stall). Latency is counted from the time a
 * request was due, not from when a late timer sent it. Pure: unit-tested in
 * tests/unit/bench-open-loop.test.ts.
 */

/** How many requests are due by `elapsedMs` after the start, at `rate` per second. */
export function dueBy(elapsedMs: number, rate: number): number {
  if (!(rate > 0) || elapsedMs < 0) return 0;
  // Request 0 is due at 0; the epsilon keeps 1000 / 3 × 3 from falling short of 1000.
  return Math.floor((elapsedMs * rate) / 1000 + 1e-9) + 1;
}

/** When request `index` is due, in ms after the start. */
export const dueAt = (index: number, rate: number) => (index * 1000) / rate;

/** The requests to send now: indexes from `sent` up to what is due by `elapsedMs`. */
export function nextDue(sent: number, elapsedMs: number, rate: number): number[] {
  const due = dueBy(elapsedMs, rate);
  return Array.from({ length: Math.max(0, due - sent) }, (_, i) => sent + i);
}

/** One request as the load client saw it (times in epoch ms, with fractions). */
export interface RequestRecord {
  /** When it was due. */
  at: number;
  /** When the timer actually sent it (late when the client's own loop lagged). */
  sent: number;
  /** When the answer's body was read, or the error arrived. */
  end: number;
  /** The HTTP status; 0 when there was no answer. */
  status: number;
  /** `connection` (refused, reset, closed early), `timeout`, or null for an answer. */
  error: "connection" | "timeout" | null;
  /** The version the body named (`version X`), or null. */
  version: string | null;
}

/** The version an example's `/` names: "Server running - version 1.2.3". */
export function versionOf(body: string): string | null {
  return /version (\S+)/.exec(body)?.[1] ?? null;
}
