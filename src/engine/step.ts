/**
 * The engine: step(state, input) → { state, effects }. Pure: no IO, no clock reads (every
 * input carries its time). The loop in loop.ts performs the effects and feeds results back.
 */

import { onBuildDone, startBuild } from "./build-steps.ts";
import { onChildExited, onHealth, startChild, stopChild } from "./child-steps.ts";
import { derivePhase } from "./phase.ts";
import type {
  CommandKind,
  Effect,
  EngineSettings,
  EngineState,
  StepResult,
  TimedInput,
} from "./types.ts";

export function initialState(settings: EngineSettings): EngineState {
  return {
    settings,
    build: null,
    rebuildQueued: null,
    child: null,
    built: null,
    buildSeq: 0,
    lastBuildFailed: false,
    crash: { attempts: 0, backoffUntil: null, exitCode: null },
    troubled: false,
    halted: false,
    quitting: false,
    reload: null,
    phase: "idle",
  };
}

/** A mutable working copy for one step; `effects` collects what to do, in order. */
export interface Draft {
  s: EngineState;
  effects: Effect[];
  now: number;
}

export function step(state: EngineState, input: TimedInput): StepResult {
  const draft: Draft = { s: { ...state, crash: { ...state.crash } }, effects: [], now: input.now };
  if (state.quitting && input.type !== "childExited" && input.type !== "buildDone") {
    return { state, effects: [] };
  }
  apply(draft, input);
  const phase = derivePhase(draft.s);
  if (phase !== state.phase) {
    draft.s.phase = phase;
    draft.effects.push({ type: "emit", event: { type: "phase", phase, previous: state.phase } });
  }
  return { state: draft.s, effects: draft.effects };
}

function apply(d: Draft, input: TimedInput): void {
  switch (input.type) {
    case "start":
      if (d.s.settings.hasBuild) startBuild(d, "initial build", null, 0);
      else startChild(d);
      return;
    case "changes":
      onChanges(d, input.changes.length, input.fingerprint, describe(input.changes));
      return;
    case "buildDone":
      onBuildDone(d, input);
      return;
    case "childStarted":
      onChildStarted(d, input.pid);
      return;
    case "childExited":
      onChildExited(d, input);
      return;
    case "health":
      onHealth(d, input);
      return;
    case "timer":
      if (input.name === "backoff" && d.s.crash.backoffUntil !== null) {
        d.s.crash.backoffUntil = null;
        if (!d.s.child && !d.s.build) startChild(d);
      }
      return;
    case "command":
      onCommand(d, input.command);
      return;
  }
}

function describe(changes: { path: string; kind: string }[]): string {
  const first = changes[0];
  if (!first) return "change";
  const more = changes.length > 1 ? ` and ${changes.length - 1} more` : "";
  return `${first.path} (${first.kind})${more}`;
}

function onChanges(d: Draft, files: number, fingerprint: string | null, reason: string): void {
  const s = d.s;
  s.halted = false;
  if (s.crash.backoffUntil !== null) {
    d.effects.push({ type: "cancelTimer", name: "backoff" });
    s.crash.backoffUntil = null;
  }
  if (s.build) {
    if (s.settings.onBusy === "queue") {
      s.rebuildQueued = { reason, files: (s.rebuildQueued?.files ?? 0) + files };
      return;
    }
    d.effects.push({ type: "cancelBuild", seq: s.build.seq });
    d.effects.push({
      type: "emit",
      event: { type: "build.cancelled", seq: s.build.seq, reason: "newer changes arrived" },
    });
    s.build = null;
  }
  const running = s.child?.status === "running" ? s.child : null;
  if (running && fingerprint !== null && running.fingerprint === fingerprint && !s.rebuildQueued) {
    d.effects.push({
      type: "emit",
      event: { type: "build.skipped", reason: "the tree fingerprint equals the running build's" },
    });
    return;
  }
  if (s.child?.status === "stopping" && s.child.reason === "swap") {
    // A swap is under way: let it finish, then build the newer tree.
    s.rebuildQueued = { reason, files };
    return;
  }
  if (s.settings.hasBuild) startBuild(d, reason, fingerprint, files);
  else restartWithoutBuild(d, fingerprint, files);
}

function restartWithoutBuild(d: Draft, fingerprint: string | null, files: number): void {
  const s = d.s;
  s.built = { fingerprint, seq: ++s.buildSeq };
  s.reload = { seq: s.buildSeq, files, timing: {}, stageStart: d.now };
  s.crash.attempts = 0;
  if (s.child?.status === "running") stopChild(d, "swap");
  else if (!s.child) startChild(d);
}

function onChildStarted(d: Draft, pid: number): void {
  const s = d.s;
  if (s.child?.status !== "spawning") return;
  s.child = {
    status: "running",
    pid,
    startedAt: d.now,
    fingerprint: s.child.fingerprint,
    health: "pending",
  };
  d.effects.push({ type: "emit", event: { type: "process.started", pid } });
  if (s.reload) {
    s.reload.timing.start = d.now - s.reload.stageStart;
    s.reload.stageStart = d.now;
  }
  if (s.settings.hasHealthCheck) d.effects.push({ type: "probeHealth", pid });
  else finishReload(d, false);
}

/**
 * Emits the one-line summary of a reload once the new process is up (and healthy), and a
 * recovery notice when it follows trouble. Without a health check only a fresh build counts
 * as recovered: a restarted crasher may well crash again.
 */
export function finishReload(d: Draft, healthy: boolean): void {
  const s = d.s;
  const r = s.reload;
  if (s.troubled && !s.lastBuildFailed && (healthy || r)) {
    s.troubled = false;
    const body = healthy ? "healthy again" : "running again";
    d.effects.push({ type: "notify", kind: "recovered", title: "recovered", body });
  }
  if (!r) return;
  d.effects.push({
    type: "emit",
    event: { type: "reload.done", seq: r.seq, files: r.files, timing: r.timing },
  });
  s.reload = null;
}

function onCommand(d: Draft, command: CommandKind): void {
  const s = d.s;
  switch (command) {
    case "rebuild":
      s.halted = false;
      if (s.build) {
        d.effects.push({ type: "cancelBuild", seq: s.build.seq });
        d.effects.push({
          type: "emit",
          event: { type: "build.cancelled", seq: s.build.seq, reason: "rebuild requested" },
        });
        s.build = null;
      }
      if (s.settings.hasBuild) startBuild(d, "rebuild requested", s.child?.fingerprint ?? null, 0);
      else restartWithoutBuild(d, s.child?.fingerprint ?? null, 0);
      return;
    case "restart":
      s.halted = false;
      cancelBackoff(d);
      if (s.child?.status === "running") stopChild(d, "restart");
      else if (!s.child) startOrBuild(d);
      return;
    case "start":
      s.halted = false;
      cancelBackoff(d);
      if (!s.child) startOrBuild(d);
      return;
    case "stop":
      s.halted = true;
      cancelBackoff(d);
      if (s.child?.status === "running") stopChild(d, "stop");
      return;
    case "quit":
      s.quitting = true;
      cancelBackoff(d);
      if (s.build) d.effects.push({ type: "cancelBuild", seq: s.build.seq });
      s.build = null;
      if (s.child?.status === "running") stopChild(d, "quit");
      else if (!s.child) d.effects.push({ type: "exit", code: 0 });
      return;
  }
}

function startOrBuild(d: Draft): void {
  if (d.s.build) return;
  if (!d.s.settings.hasBuild || (d.s.built && !d.s.lastBuildFailed)) startChild(d);
  else startBuild(d, "start requested", null, 0);
}

export function cancelBackoff(d: Draft): void {
  if (d.s.crash.backoffUntil === null) return;
  d.s.crash.backoffUntil = null;
  d.effects.push({ type: "cancelTimer", name: "backoff" });
}
