/**
 * Notices the watched root going away or being replaced while hotreload runs (`rm -rf`
 * of the project, `mv new project`, a checkout tool that swaps the directory). A native
 * watch on a deleted directory stays deaf for good, so the root is looked at (one stat)
 * every ROOT_CHECK_MS and before each batch is passed on: when it is gone, or is another
 * directory than the one watched (device and inode differ), `onGone` fires once; when a
 * directory is there again, `onBack` fires once and the caller re-arms the watch.
 */
import { statSync } from "node:fs";
import type { Clock, TimerHandle } from "../clock.ts";
import type { Logger } from "../log.ts";

export const ROOT_CHECK_MS = 500;

export type RootGoneReason = "deleted" | "replaced";

export interface RootGuard {
  /** True when the root is the directory being watched; notices a loss at once. */
  present(): boolean;
  close(): void;
}

export interface RootGuardOptions {
  root: string;
  clock: Clock;
  log: Logger;
  intervalMs?: number;
  onGone(reason: RootGoneReason): void;
  /** The root is a directory again (the same or a new one): re-arm the watch. */
  onBack(): void;
}

function identity(root: string): string | null {
  try {
    const stat = statSync(root);
    return stat.isDirectory() ? `${stat.dev}:${stat.ino}` : null;
  } catch (error) {
    // ENOENT (deleted), ENOTDIR (a parent replaced by a file), EACCES: not watchable now.
    void error;
    return null;
  }
}

export function createRootGuard(options: RootGuardOptions): RootGuard {
  const { clock, log } = options;
  let watched = identity(options.root);
  let closed = false;
  let timer: TimerHandle | null = null;

  const look = (): boolean => {
    if (closed) return watched !== null;
    const now = identity(options.root);
    if (watched !== null && now === watched) return true;
    if (watched !== null) {
      // Gone, or a different directory under the same name: the old watch sees nothing.
      log.debug(`root ${options.root}: ${now === null ? "gone" : "replaced"} (was ${watched})`);
      watched = null;
      options.onGone(now === null ? "deleted" : "replaced");
    }
    if (now !== null && !closed) {
      watched = now;
      options.onBack();
      return true;
    }
    return false;
  };
  const tick = () => {
    look();
    if (!closed) timer = clock.setTimeout(tick, options.intervalMs ?? ROOT_CHECK_MS);
  };
  timer = clock.setTimeout(tick, options.intervalMs ?? ROOT_CHECK_MS);

  return {
    present: look,
    close() {
      closed = true;
      if (timer) clock.clearTimeout(timer);
      timer = null;
    },
  };
}
