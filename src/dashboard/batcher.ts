/**
 * Groups events into one message per frame (~16 ms), so 10k log lines a second cost about
 * sixty serialisations a second instead of ten thousand. Urgent items (anything that is not
 * a log line) flush at once, behind what was already queued, so order is kept.
 */
import type { Clock, TimerHandle } from "../clock.ts";

export interface Batcher<T> {
  push(item: T, urgent?: boolean): void;
  /** Delivers what is queued now. */
  flush(): void;
  /** Drops what is queued and stops the timer. */
  close(): void;
}

export interface BatcherOptions<T> {
  clock: Clock;
  deliver(items: T[]): void;
  intervalMs?: number;
  /** A frame never holds more than this; a full frame is delivered at once. */
  maxItems?: number;
}

export function createBatcher<T>(options: BatcherOptions<T>): Batcher<T> {
  const { clock, deliver } = options;
  const intervalMs = options.intervalMs ?? 16;
  const maxItems = options.maxItems ?? 1000;
  let queue: T[] = [];
  let timer: TimerHandle | null = null;
  let closed = false;

  function flush(): void {
    if (timer) clock.clearTimeout(timer);
    timer = null;
    if (queue.length === 0) return;
    const items = queue;
    queue = [];
    deliver(items);
  }

  return {
    push(item, urgent = false) {
      if (closed) return;
      queue.push(item);
      if (urgent || queue.length >= maxItems) flush();
      else if (!timer) timer = clock.setTimeout(flush, intervalMs);
    },
    flush,
    close() {
      closed = true;
      if (timer) clock.clearTimeout(timer);
      timer = null;
      queue = [];
    },
  };
}
