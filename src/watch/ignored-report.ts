/**
 * Gathers ignored paths for a quiet moment, then reports them grouped by reason: one
 * debug line and one `changes.ignored` event per reason, instead of one per path (an
 * `npm install` or a `git checkout` touches thousands of ignored paths).
 */
import type { Clock, TimerHandle } from "../clock.ts";
import type { EventBus } from "../events/bus.ts";
import type { Logger } from "../log.ts";

/** Paths listed per reason in one report; the rest are counted. */
const MAX_PATHS = 20;

export interface IgnoredReport {
  add(rel: string, reason: string): void;
  close(): void;
}

export function createIgnoredReport(options: {
  clock: Clock;
  quietMs: number;
  bus: EventBus;
  log: Logger;
}): IgnoredReport {
  const { clock, bus, log } = options;
  let byReason = new Map<string, { paths: string[]; count: number }>();
  let timer: TimerHandle | null = null;

  function report(): void {
    timer = null;
    const groups = byReason;
    byReason = new Map();
    for (const [reason, { paths, count }] of groups) {
      const more = count > paths.length ? ` and ${count - paths.length} more` : "";
      log.debug(`ignored ${paths.join(", ")}${more}: ${reason}`);
      bus.emit({ type: "changes.ignored", reason, paths });
    }
  }

  return {
    add(rel, reason) {
      let group = byReason.get(reason);
      if (group === undefined) {
        group = { paths: [], count: 0 };
        byReason.set(reason, group);
      }
      group.count++;
      if (group.paths.length < MAX_PATHS && !group.paths.includes(rel)) group.paths.push(rel);
      // A fixed window from the first path, so an endless stream is still reported.
      timer ??= clock.setTimeout(report, options.quietMs);
    },
    close() {
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
      byReason = new Map();
    },
  };
}
