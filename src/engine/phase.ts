import type { Phase } from "../events/types.ts";
import type { EngineState } from "./types.ts";

/** The phase shown to the user, derived from the state so it can never disagree with it. */
export function derivePhase(s: EngineState): Phase {
  if (s.quitting || s.child?.status === "stopping") return "stopping";
  if (s.build) return "building";
  if (s.child?.status === "spawning") return "starting";
  if (s.child?.status === "running") {
    if (s.child.health === "pending" && s.settings.hasHealthCheck) return "starting";
    return s.child.health === "failed" ? "unhealthy" : "running";
  }
  if (s.crash.backoffUntil !== null) return "backoff";
  if (s.crash.attempts > 0 && !s.halted) return "crashed";
  return "idle";
}
