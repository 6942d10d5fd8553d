import type { Clock } from "../clock.ts";
import type { EventBus } from "../events/bus.ts";
import type { FileChange } from "../events/types.ts";
import type { Logger } from "../log.ts";
import type { WatchFactory } from "./native-watcher.ts";

export interface ChangeBatch {
  changes: FileChange[];
  /** Tree fingerprint after applying the batch. */
  fingerprint: string;
  /**
   * The content hash of each changed path after the batch (null: deleted), so a consumer
   * that sees only some of the tree (one service of several) can fingerprint its part.
   */
  hashes?: ReadonlyMap<string, number | null>;
}

export interface ChangeStreamOptions {
  /** Absolute path of the watched root. */
  root: string;
  ext: readonly string[];
  ignorePatterns: readonly string[];
  /** Files to watch although `ext` leaves them out (those a rule matches), by relative path. */
  alsoWatch?: (rel: string) => boolean;
  /** Absolute paths never watched (build output dir, cache dir). */
  alwaysIgnore: readonly string[];
  debounceMs: number | "auto";
  debounceMaxMs: number;
  /** false: native events (polling only as a fallback); a number: poll at that interval. */
  poll: false | number;
  followSymlinks: boolean;
  clock: Clock;
  bus: EventBus;
  log: Logger;
  /** Test injection: the text of /proc/self/mountinfo. */
  mountInfo?: string;
  /** Test injection: how a recursive native watch is started. */
  watchFactory?: WatchFactory;
  onBatch(batch: ChangeBatch): void;
  /** The root was deleted or replaced (watch-set only): hold builds and starts. */
  onRootGone?(): void;
  /** The root is back and watched anew (watch-set only): rebuild. */
  onRootBack?(): void;
}

export interface ChangeStream {
  /** Tree fingerprint now; until initial hashing is done, unhashed files count by stat. */
  fingerprint(): string;
  /** Resolves when initial hashing is done (never rejects). */
  ready: Promise<void>;
  /** How changes are seen now; "poll" after a fallback. */
  mode(): "native" | "poll";
  close(): Promise<void>;
}
