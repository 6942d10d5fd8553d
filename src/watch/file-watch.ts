/**
 * Watches a few named files whatever the filters say (env files, the config file): a
 * non-recursive watch on each one's directory, so atomic saves (write a temp file, rename
 * it over) and files that do not exist yet are seen. A file counts as changed only when
 * its bytes differ from the last ones seen (or it appeared or disappeared). With polling,
 * each file's stat is compared instead of waiting for events.
 */
import { type FSWatcher, readFileSync, statSync, watch } from "node:fs";
import { basename, dirname } from "node:path";
import type { Clock, TimerHandle } from "../clock.ts";
import type { Logger } from "../log.ts";

export interface FileWatchOptions {
  /** Absolute paths. */
  files: readonly string[];
  clock: Clock;
  log: Logger;
  /** false: native events; a number: stat every that many milliseconds. */
  poll: false | number;
  /** Quiet time after the last event before the files are compared (an editor's save). */
  settleMs?: number;
  /** Files whose content changed, appeared or disappeared, in the order given. */
  onChange(files: string[]): void;
}

export interface FileWatch {
  close(): void;
}

const GONE = "\0gone";

function contentOf(path: string, log: Logger): string {
  try {
    return readFileSync(path, "latin1");
  } catch (error) {
    // Missing or unreadable: compared as "gone", so its return is a change.
    log.debug(`${path}: ${(error as { code?: string }).code ?? "unreadable"}`);
    return GONE;
  }
}

export function watchFiles(options: FileWatchOptions): FileWatch {
  const { clock, log } = options;
  const settleMs = options.settleMs ?? 20;
  const last = new Map(options.files.map((file) => [file, contentOf(file, log)]));
  const pending = new Set<string>();
  const watchers: FSWatcher[] = [];
  let timer: TimerHandle | null = null;
  let pollTimer: TimerHandle | null = null;
  let closed = false;

  function flush(): void {
    timer = null;
    if (closed) return;
    const changed: string[] = [];
    for (const file of options.files) {
      if (!pending.has(file)) continue;
      const now = contentOf(file, log);
      if (now !== last.get(file)) {
        last.set(file, now);
        changed.push(file);
      } else log.debug(`${file}: event, same content`);
    }
    pending.clear();
    if (changed.length > 0) options.onChange(changed);
  }

  function touched(file: string): void {
    if (closed) return;
    pending.add(file);
    if (timer) clock.clearTimeout(timer);
    timer = clock.setTimeout(flush, settleMs);
  }

  const byDir = new Map<string, string[]>();
  for (const file of options.files) {
    const dir = dirname(file);
    byDir.set(dir, [...(byDir.get(dir) ?? []), file]);
  }

  if (options.poll === false) {
    for (const [dir, files] of byDir) {
      try {
        const watcher = watch(dir, (_event, name) => {
          // No name (some platforms): any of the files may have changed.
          for (const file of files)
            if (name === null || basename(file) === String(name)) touched(file);
        });
        watcher.on("error", (error) => log.debug(`watch on ${dir} ended: ${error.message}`));
        watchers.push(watcher);
      } catch (error) {
        log.warn(
          `cannot watch ${dir} for ${files.map((f) => basename(f)).join(", ")}: ${(error as Error).message}`,
        );
      }
    }
  } else {
    const interval = options.poll;
    const stats = new Map(options.files.map((file) => [file, signature(file)]));
    const tick = () => {
      pollTimer = null;
      if (closed) return;
      for (const file of options.files) {
        const now = signature(file);
        if (now !== stats.get(file)) {
          stats.set(file, now);
          touched(file);
        }
      }
      pollTimer = clock.setTimeout(tick, interval);
    };
    pollTimer = clock.setTimeout(tick, interval);
  }

  return {
    close() {
      closed = true;
      for (const watcher of watchers) watcher.close();
      if (timer) clock.clearTimeout(timer);
      if (pollTimer) clock.clearTimeout(pollTimer);
    },
  };
}

function signature(file: string): string {
  try {
    const stat = statSync(file);
    return `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
  } catch {
    // Missing counts as one more state to compare with.
    return GONE;
  }
}
