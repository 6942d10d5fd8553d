/**
 * The dashboard's memory: the history reducer's state, the log ring and the failing build's
 * output, and the snapshot a page receives when it connects (recent lines only; more on
 * demand through `logs`).
 */
import { existsSync } from "node:fs";
import type { Event } from "../events/types.ts";
import { createBuildExcerpt, type EditorLinkOptions, editorLinks } from "./build-excerpt.ts";
import {
  createHistory,
  type HistoryState,
  type HistoryView,
  reduceHistory,
  viewOf,
} from "./history.ts";
import { clipLine, createLogRing, type LogEvent } from "./log-ring.ts";
import type { Snapshot } from "./protocol.ts";

/** Log lines in a snapshot; a page asks for earlier ones when it wants them. */
export const SNAPSHOT_LINES = 200;
/** At most this many lines per `logs` request. */
export const MAX_LOG_PAGE = 5000;

export interface DashboardStore {
  /** Records the event and returns the version to broadcast (long log lines are clipped). */
  apply(event: Event): Event;
  view(): HistoryView;
  snapshot(now: number): Snapshot;
  /** Kept lines numbered `[max(end - limit, first), end)` and the number of the first. */
  logs(end: number, limit: number): { from: number; lines: LogEvent[] };
  clearLogs(): void;
}

export function createDashboardStore(options: {
  logCapacity: number;
  config: Record<string, unknown>;
  /** This hotreload run: its pid and when the dashboard started (epoch ms). */
  run: { pid: number; startedAt: number };
  healthCheck?: boolean;
  /** Editor links in build errors; absent: none. */
  editor?: Omit<EditorLinkOptions, "exists"> & { exists?(path: string): boolean };
  snapshotLines?: number;
}): DashboardStore {
  const ring = createLogRing(options.logCapacity);
  const excerpt = createBuildExcerpt();
  const snapshotLines = options.snapshotLines ?? SNAPSHOT_LINES;
  const editor = options.editor ? { exists: existsSync, ...options.editor } : null;
  let state: HistoryState = createHistory({ healthCheck: options.healthCheck ?? true });

  function failureDetails(event: Extract<Event, { type: "build.finished" }>) {
    const taken = excerpt.take();
    // Output that did not come through the bus (a build that could not spawn) is in the event.
    const kept = taken.head.length > 0 ? taken : { head: [], omitted: 0, tail: [...event.tail] };
    const lines = [...kept.head, ...kept.tail];
    return { ...kept, links: editor ? editorLinks(lines, editor) : [] };
  }

  return {
    apply(event) {
      if (event.type === "log") {
        const clipped = clipLine(event);
        ring.push(clipped);
        if (clipped.stream === "build") excerpt.add(clipped.line);
        return clipped;
      }
      if (event.type === "build.started") excerpt.reset();
      const details =
        event.type === "build.finished" && !event.ok ? failureDetails(event) : undefined;
      state = reduceHistory(state, event, details);
      return event;
    },
    view: () => viewOf(state),
    snapshot(now) {
      const end = ring.end();
      const from = Math.max(ring.first(), end - snapshotLines);
      return {
        type: "snapshot",
        now,
        ...viewOf(state),
        logs: ring.range(from, end),
        logFrom: from,
        logFirst: ring.first(),
        logCapacity: ring.capacity,
        config: options.config,
        run: options.run,
      };
    },
    logs(end, limit) {
      const to = Math.min(end, ring.end());
      const from = Math.max(ring.first(), to - Math.min(limit, MAX_LOG_PAGE));
      return { from, lines: ring.range(from, to) };
    },
    clearLogs: () => ring.clear(),
  };
}
