/**
 * Collects changes until the file system goes quiet: a trailing quiet window restarted by
 * every change, capped by a maximum wait from the first change so an endless stream still
 * flushes. Each path keeps one kind of change, merged as a user would read it.
 *
 * The `auto` window (the default) is short while a batch holds no more events than an
 * editor save makes and every file in it exists with some content, and grows once the
 * batch looks like a burst (a checkout, a generator) or a file is missing or empty (a
 * rename-save between moving the old file away and writing the new one; an in-place save
 * between truncating and writing): a save is acted on in ~5ms, a checkout still lands as
 * one batch. Figures behind the numbers: docs/WATCHING.md.
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

/** Quiet window for a batch of at most AUTO_BURST_EVENTS events (an editor save). */
export const AUTO_SETTLE_MS = 5;
/** Quiet window once a batch has more events than that (a checkout, a code generator) or
 * holds a deletion (the middle of a rename-save, or a real delete, which is rarely urgent)
 * or an empty file (the middle of an in-place save, or a file that really is empty). */
export const AUTO_BURST_MS = 100;
/** Editor saves measured at up to 8 raw events before filtering (vim rename-save). */
export const AUTO_BURST_EVENTS = 8;

export interface DebouncerOptions {
  clock: Clock;
  /** Fixed quiet window in ms, or `auto` (see above). */
  quietMs: number | "auto";
  maxMs: number;
  onFlush(changes: FileChange[]): void;
}

export interface Debouncer {
  /** `empty`: the file had no content when its event was handled (a save half done). */
  add(path: string, kind: ChangeKind, empty?: boolean): void;
  /** Paths waiting for the next flush. */
  pending(): number;
  /** Flushes now (if anything is pending). */
  flush(): void;
  /** Drops pending changes and clears the timer. */
  close(): void;
}

export function createDebouncer(options: DebouncerOptions): Debouncer {
  const { clock } = options;
  const fixed = options.quietMs === "auto" ? null : Math.max(0, options.quietMs);
  const max = Math.max(fixed ?? AUTO_BURST_MS, options.maxMs);
  // Insertion order is kept, so a batch lists paths in the order they first changed.
  let changes = new Map<string, ChangeKind>();
  let firstAt = 0;
  let events = 0;
  /** Paths seen empty at their last event, while the batch is still small. */
  const empty = new Set<string>();
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
    events = 0;
    empty.clear();
    options.onFlush(batch);
  }

  function holdsDelete(): boolean {
    for (const kind of changes.values()) if (kind === "delete") return true;
    return false;
  }

  function schedule(): void {
    clear();
    const untilMax = firstAt + max - clock.now();
    const unsettled = events > AUTO_BURST_EVENTS || holdsDelete() || empty.size > 0;
    const quiet = fixed ?? (unsettled ? AUTO_BURST_MS : AUTO_SETTLE_MS);
    timer = clock.setTimeout(flush, Math.max(0, Math.min(quiet, untilMax)));
  }

  return {
    add(path, kind, isEmpty = false) {
      if (closed) return;
      // A window starts with the first event, even one that merges away to nothing.
      if (timer === null) {
        firstAt = clock.now();
        events = 0;
      }
      events++;
      const merged = mergeChange(changes.get(path), kind);
      if (merged === null) changes.delete(path);
      else changes.set(path, merged);
      if (isEmpty && merged !== null && merged !== "delete") empty.add(path);
      else empty.delete(path);
      schedule();
    },
    pending: () => changes.size,
    flush,
    close() {
      closed = true;
      clear();
      changes = new Map();
      empty.clear();
    },
  };
}
