/**
 * The dashboard's memory: the history reducer's state plus the log ring, and the snapshot a
 * page receives when it connects.
 */
import type { Event } from "../events/types.ts";
import {
  type HistoryState,
  type HistoryView,
  initialHistory,
  reduceHistory,
  viewOf,
} from "./history.ts";
import { clipLine, createLogRing } from "./log-ring.ts";
import type { Snapshot } from "./protocol.ts";

export interface DashboardStore {
  /** Records the event and returns the version to broadcast (long log lines are clipped). */
  apply(event: Event): Event;
  view(): HistoryView;
  snapshot(now: number): Snapshot;
  clearLogs(): void;
}

export function createDashboardStore(options: {
  logCapacity: number;
  config: Record<string, unknown>;
  /** This hotreload run: its pid and when the dashboard started (epoch ms). */
  run: { pid: number; startedAt: number };
}): DashboardStore {
  const ring = createLogRing(options.logCapacity);
  let state: HistoryState = initialHistory;
  return {
    apply(event) {
      if (event.type === "log") {
        const clipped = clipLine(event);
        ring.push(clipped);
        return clipped;
      }
      state = reduceHistory(state, event);
      return event;
    },
    view: () => viewOf(state),
    snapshot(now) {
      return {
        type: "snapshot",
        now,
        ...viewOf(state),
        logs: ring.toArray(),
        logCapacity: ring.capacity,
        config: options.config,
        run: options.run,
      };
    },
    clearLogs: () => ring.clear(),
  };
}
