/**
 * The dashboard's memory: the history reducer's state, the log ring and the failing build's
 * output, and the snapshot a page receives when it connects (recent lines only; more on
 * demand through `logs`).
 */
import { existsSync } from "node:fs";
import type { Event } from "../events/types.ts";
import type { EditorLinkOptions } from "./build-excerpt.ts";
import type { HistoryView } from "./history.ts";
import { clipLine, createLogRing, type LogEvent } from "./log-ring.ts";
import type { Snapshot } from "./protocol.ts";
import { createServiceHistories, type ServiceView } from "./service-histories.ts";

/** Log lines in a snapshot; a page asks for earlier ones when it wants them. */
export const SNAPSHOT_LINES = 200;
/** At most this many lines per `logs` request. */
export const MAX_LOG_PAGE = 5000;

export interface DashboardStore {
  /** Records the event and returns the version to broadcast (long log lines are clipped). */
  apply(event: Event): Event;
  view(): HistoryView;
  /** Every service's history (empty without `services:`). */
  services(): ServiceView[];
  /** The histories of `names` (the services a batch of events touched). */
  servicesNamed(names: ReadonlySet<string>): ServiceView[];
  hasService(name: string): boolean;
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
  /** With `services:`: each service in start order, and whether it is probed. */
  services?: readonly { name: string; healthCheck: boolean }[];
  /** Editor links in build errors; absent: none. */
  editor?: Omit<EditorLinkOptions, "exists"> & { exists?(path: string): boolean };
  snapshotLines?: number;
}): DashboardStore {
  const ring = createLogRing(options.logCapacity);
  const snapshotLines = options.snapshotLines ?? SNAPSHOT_LINES;
  const histories = createServiceHistories({
    services: options.services,
    healthCheck: options.healthCheck,
    editor: options.editor ? { exists: existsSync, ...options.editor } : null,
  });

  return {
    apply(event) {
      if (event.type === "log") {
        const clipped = clipLine(event);
        ring.push(clipped);
        if (clipped.stream === "build") histories.buildLine(clipped.line, clipped.service);
        return clipped;
      }
      histories.apply(event);
      return event;
    },
    view: () => histories.view(),
    services: () => histories.services(),
    servicesNamed: (names) => histories.only(names),
    hasService: (name) => histories.has(name),
    snapshot(now) {
      const end = ring.end();
      const from = Math.max(ring.first(), end - snapshotLines);
      const services = histories.services();
      return {
        type: "snapshot",
        now,
        ...histories.view(),
        // Absent without `services:`, so a single-service page gets exactly what it always did.
        ...(services.length > 0 ? { services } : {}),
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
