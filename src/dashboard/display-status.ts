/**
 * The one word the header, the tab title and the favicon show, derived from the history so
 * it can never disagree with it (the page adds "disconnected" when its socket closes).
 */
import type { HistoryView } from "./history.ts";

/** What the header says: the phase, except that a failed build shows until a good state. */
export type DisplayStatus =
  | "starting"
  | "building"
  | "build failed"
  | "running"
  | "unhealthy"
  | "crashed"
  | "backoff"
  | "stopping"
  | "stopped"
  | "exited";

/**
 * A failed build outranks what the old server is doing (it still runs, but the code on
 * disk does not build); a build in progress and a server that is down outrank the failure.
 */
export function displayStatus(
  state: Pick<HistoryView, "phase" | "lastError" | "engine">,
): DisplayStatus {
  switch (state.phase) {
    case "building":
    case "crashed":
    case "backoff":
    case "stopping":
      return state.phase;
    default:
      break;
  }
  if (state.lastError) return "build failed";
  if (state.phase === "idle") return state.engine === null ? "starting" : "stopped";
  return state.phase;
}
