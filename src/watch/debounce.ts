/**
 * Collects changes until the file system goes quiet: a trailing quiet window restarted by
 * every change, capped by a maximum wait from the first change so an endless stream still
 * flushes. Each path keeps one kind of change, merged as a user would read it.
 */
import type { Clock, TimerHandle } from "../clock.ts";
import type { ChangeKind, FileChange } from "../events/types.ts";

/**
 * The kind a path has after `next` follows `previous` within one batch; null drops the
 * path (it came and went). A rename is reported as the create of the new name.
 */
export function mergeChange(previous: ChangeKind | undefined, next: ChangeKind): ChangeKind | null {
  const incoming: ChangeKind = next === "rename" ? "create" : next;
  if (previous === undefined) return incoming;
  const before: ChangeKind = previous === "rename" ? "create" : previous;
  if (before === "create") return incoming === "delete" ? null : "create";
  if (before === "delete") return incoming === "delete" ? "delete" : "modify";
  // modify
  return incoming === "delete" ? "delete" : "modify";
}

export interface DebouncerOptions {
  clock: Clock;
  quietMs: number;
  maxMs: number;
  onFlush(changes: FileChange[]): void;
}

export interface Debouncer {
  add(path: string, kind: ChangeKind): void;
  /** Paths waiting for the next flush. */
  pending(): number;
  /** Flushes now (if anything is pending). */
  flush(): void;
  /** Drops pending changes and clears the timer. */
  close(): void;
}

export function createDebouncer(options: DebouncerOptions): Debouncer {
  const { clock } = options;
  const quiet = Math.max(0, options.quietMs);
  const max = Math.max(quiet, options.maxMs);
  // Insertion order is kept, so a batch lists paths in the order they first changed.
  let changes = new Map<string, ChangeKind>();
  let firstAt = 0;
  let timer: TimerHandle | null = null;
  let closed = false;

  function clear(): void {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
  }

  function flush(): void {
    clear();
    if (changes.size === 0) return;
    const batch = [...changes].map(([path, kind]) => ({ path, kind }));
    changes = new Map();
    options.onFlush(batch);
  }

  function schedule(): void {
    clear();
    const untilMax = firstAt + max - clock.now();
    timer = clock.setTimeout(flush, Math.max(0, Math.min(quiet, untilMax)));
  }

  return {
    add(path, kind) {
      if (closed) return;
      // A window starts with the first event, even one that merges away to nothing.
      if (timer === null) firstAt = clock.now();
      const merged = mergeChange(changes.get(path), kind);
      if (merged === null) changes.delete(path);
      else changes.set(path, merged);
      schedule();
    },
    pending: () => changes.size,
    flush,
    close() {
      closed = true;
      clear();
      changes = new Map();
    },
  };
}
