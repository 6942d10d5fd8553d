import type { Phase } from "../events/types.ts";
import type { EngineState } from "./types.ts";

/** The phase shown to the user, derived from the state so it can never disagree with it. */
export function derivePhase(s: EngineState): Phase {
  if (s.quitting) return "stopping";
  if (!s.active && s.retiring.some((i) => i.stopReason !== null && i.stopReason !== "retire"))
    return "stopping";
  // A rule's command (a generator) is part of building, whatever action follows it.
  if (s.build || s.prep) return "building";
  if (s.candidate || s.active?.status === "spawning") return "starting";
  if (s.active?.status === "running") {
    const probed = s.settings.hasHealthCheck || s.settings.swap !== null;
    if (s.active.health === "pending" && probed) return "starting";
    return s.active.health === "failed" ? "unhealthy" : "running";
  }
  if (s.crash.backoffUntil !== null) return "backoff";
  if (s.halted) return "stopped";
  if (s.exited) return s.exited.exitCode === 0 && s.exited.signal === null ? "exited" : "crashed";
  if (s.crash.attempts > 0) return "crashed";
  return "idle";
}
