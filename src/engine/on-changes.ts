/** A batch of real changes arrived: build, restart, or nothing, depending on what runs. */
import {
  buildOrRestart,
  cancelBackoff,
  cancelBuild,
  deploy,
  startOrBuild,
  stopInstance,
  swapPending,
} from "./moves.ts";
import type { Draft, EngineInput } from "./types.ts";

export function onChanges(d: Draft, input: Extract<EngineInput, { type: "changes" }>): void {
  const s = d.s;
  const files = input.changes.length;
  const reason = describe(input.changes);
  s.halted = false;
  cancelBackoff(d);
  if (input.action === "restart") {
    // A build under way starts a fresh process anyway, which sees what changed.
    if (s.build) return;
    if (!s.active && !s.candidate) {
      startOrBuild(d, reason);
      return;
    }
    s.reload = { seq: s.buildSeq, files, timing: {}, stageStart: d.now };
    deploy(d, "restart");
    return;
  }
  if (s.build) {
    if (s.settings.onBusy === "queue") {
      s.rebuildQueued = { reason, files: (s.rebuildQueued?.files ?? 0) + files };
      return;
    }
    cancelBuild(d, "newer changes arrived");
  }
  if (input.fingerprint !== null && !s.rebuildQueued && skipByFingerprint(d, input.fingerprint))
    return;
  if (swapPending(s)) {
    // A stop-first swap is under way: let it finish, then build the newer tree.
    s.rebuildQueued = { reason, files };
    return;
  }
  if (s.candidate) stopInstance(d, s.candidate, "superseded");
  buildOrRestart(d, reason, input.fingerprint, files);
}

/**
 * The tree is byte for byte what an instance already runs: nothing to build. A candidate
 * that runs another tree is stale then, and stopped.
 */
function skipByFingerprint(d: Draft, fingerprint: string): boolean {
  const s = d.s;
  const candidate = s.candidate?.fingerprint === fingerprint;
  const active = s.active?.status === "running" && s.active.fingerprint === fingerprint;
  if (!candidate && !active) return false;
  if (!candidate && s.candidate) stopInstance(d, s.candidate, "superseded");
  // The tree is back to a build that succeeded: an earlier failure is over.
  s.lastBuildFailed = false;
  s.reload = null;
  d.effects.push({
    type: "emit",
    event: { type: "build.skipped", reason: "the tree fingerprint equals the running build's" },
  });
  return true;
}

function describe(changes: { path: string; kind: string }[]): string {
  const first = changes[0];
  if (!first) return "change";
  const more = changes.length > 1 ? ` and ${changes.length - 1} more` : "";
  return `${first.path} (${first.kind})${more}`;
}
