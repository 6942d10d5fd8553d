/**
 * Polling for file systems that deliver no events: every interval, walk the watched tree
 * (ignored directories are never entered) with lstat only, and report each path whose
 * mtime, size or inode changed, appeared or disappeared. Content is hashed later, only for
 * the paths reported, to confirm a real change.
 */
import type { Clock, TimerHandle } from "../clock.ts";
import type { Logger } from "../log.ts";
import type { PathFilter } from "./filter.ts";
import { walkTree } from "./tree-walk.ts";

export interface PollWatcher {
  close(): void;
}

export interface PollOptions {
  root: string;
  /** The root's real path, for symlink loop protection. */
  rootReal: string;
  intervalMs: number;
  clock: Clock;
  filter: PathFilter;
  followSymlinks: boolean;
  log: Logger;
  /** The state to compare the first poll with (files and their signatures, dirs). */
  baseline: { files: ReadonlyMap<string, string>; dirs: ReadonlySet<string> };
  onEvent(rel: string): void;
  /** Called after each completed poll (for measurements and tests). */
  onPoll?(stats: { files: number; dirs: number; ms: number }): void;
}

export function createPollWatcher(options: PollOptions): PollWatcher {
  const { clock, log } = options;
  let files = new Map(options.baseline.files);
  let dirs = new Set(options.baseline.dirs);
  let timer: TimerHandle | null = null;
  let closed = false;

  function poll(): void {
    timer = null;
    if (closed) return;
    const started = clock.now();
    const walk = walkTree({
      root: options.root,
      start: "",
      filter: options.filter,
      followSymlinks: options.followSymlinks,
      visitedReal: new Set([options.rootReal]),
      // A changed .gitignore is reported like any file; the stream reloads its rules.
      loadGitignores: false,
      log,
    });
    const changed: string[] = [];
    for (const [rel, sig] of walk.files) if (files.get(rel) !== sig) changed.push(rel);
    for (const rel of files.keys()) if (!walk.files.has(rel)) changed.push(rel);
    for (const dir of walk.dirs) if (!dirs.has(dir)) changed.push(dir);
    for (const dir of dirs) if (!walk.dirs.has(dir)) changed.push(dir);
    files = walk.files;
    dirs = walk.dirs;
    if (changed.length > 0) log.debug(`poll: ${changed.length} path(s) changed on stat`);
    for (const rel of changed) options.onEvent(rel);
    options.onPoll?.({ files: files.size, dirs: dirs.size, ms: clock.now() - started });
    if (!closed) timer = clock.setTimeout(poll, options.intervalMs);
  }

  timer = clock.setTimeout(poll, options.intervalMs);
  return {
    close() {
      closed = true;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
    },
  };
}
