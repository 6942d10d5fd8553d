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
  return {
    capacity,
    push(event) {
      slots[(start + count) % capacity] = event;
      if (count < capacity) count++;
      else start = (start + 1) % capacity;
    },
    toArray() {
      const out: LogEvent[] = [];
      for (let i = 0; i < count; i++) out.push(slots[(start + i) % capacity]!);
      return out;
    },
    size: () => count,
    clear() {
      slots.fill(undefined);
      start = 0;
      count = 0;
    },
  };
}
