/**
 * A fixed-size ring of log events. Mutable on purpose: copying a 5000-entry array for each
 * of 10k lines a second would cost more than everything else the dashboard does.
 */
import type { EventOf } from "../events/types.ts";

export type LogEvent = EventOf<"log">;

export interface LogRing {
  readonly capacity: number;
  push(event: LogEvent): void;
  /** Oldest first. */
  toArray(): LogEvent[];
  /**
   * Lines are numbered from 0 in the order they were pushed, and keep their number (a
   * clear does not reset it). The kept lines are `[first(), end())`.
   */
  end(): number;
  first(): number;
  /** The kept lines numbered `[from, to)`, clamped to what is kept; oldest first. */
  range(from: number, to: number): LogEvent[];
  size(): number;
  clear(): void;
}

/** Lines longer than this are cut, so one huge line cannot pin megabytes per slot. */
export const MAX_LINE_CHARS = 8192;

export function clipLine(event: LogEvent): LogEvent {
  if (event.line.length <= MAX_LINE_CHARS) return event;
  const cut = event.line.length - MAX_LINE_CHARS;
  return { ...event, line: `${event.line.slice(0, MAX_LINE_CHARS)}… [${cut} more characters]` };
}

export function createLogRing(capacity: number): LogRing {
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new RangeError(`log ring capacity must be a positive integer, got ${capacity}`);
  }
  const slots: (LogEvent | undefined)[] = new Array(capacity);
  let start = 0;
  let count = 0;
  let pushed = 0;
  const range = (from: number, to: number): LogEvent[] => {
    const lo = Math.max(from, pushed - count);
    const hi = Math.min(to, pushed);
    const out: LogEvent[] = [];
    for (let n = lo; n < hi; n++) out.push(slots[(start + (n - (pushed - count))) % capacity]!);
    return out;
  };
  return {
    capacity,
    push(event) {
      pushed++;
      slots[(start + count) % capacity] = event;
      if (count < capacity) count++;
      else start = (start + 1) % capacity;
    },
    toArray: () => range(pushed - count, pushed),
    end: () => pushed,
    first: () => pushed - count,
    range,
    size: () => count,
    clear() {
      slots.fill(undefined);
      start = 0;
      count = 0;
    },
  };
}
