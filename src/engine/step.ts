/**
 * The engine: step(state, input) → { state, effects }. Pure: no IO, no clock reads (every
 * input carries its time). The loop in loop.ts performs the effects and feeds results back.
 * Each input has one handler (on-*.ts); the handlers share the moves of moves.ts.
 */
import { spawn, startBuild, swapPending } from "./moves.ts";
import { onBuildDone } from "./on-build.ts";
import { onChanges } from "./on-changes.ts";
import { onCommand } from "./on-command.ts";
import { onHookDone, onHookTimeout } from "./on-hook.ts";
import { onChildExited, onChildStarted, onDrained, onHealth } from "./on-instance.ts";
import { derivePhase } from "./phase.ts";
import type { Draft, EngineSettings, EngineState, StepResult, TimedInput } from "./types.ts";

export type { Draft };

export function initialState(settings: EngineSettings): EngineState {
  return {
    settings,
    build: null,
    rebuildQueued: null,
    active: null,
    candidate: null,
    retiring: [],
    instanceSeq: 0,
    routed: null,
    built: null,
    buildSeq: 0,
    lastBuildFailed: false,
    crash: { attempts: 0, backoffUntil: null, exitCode: null },
    exited: null,
    troubled: false,
    halted: false,
    quitting: false,
    reload: null,
    hooks: [],
    hookSeq: 0,
    prep: null,
    pending: null,
    phase: "idle",
  };
}

/** Inputs that still matter while quitting: the ends of what is being stopped. */
const WHILE_QUITTING = new Set<TimedInput["type"]>([
  "childExited",
  "buildDone",
  "childStarted",
  "hookDone",
]);

export function step(state: EngineState, input: TimedInput): StepResult {
  const draft: Draft = { s: { ...state, crash: { ...state.crash } }, effects: [], now: input.now };
  if (state.quitting && !WHILE_QUITTING.has(input.type)) return { state, effects: [] };
  apply(draft, input);
  const phase = derivePhase(draft.s);
  if (phase !== state.phase) {
    draft.s.phase = phase;
    draft.effects.push({ type: "emit", event: { type: "phase", phase, previous: state.phase } });
  }
  return { state: draft.s, effects: draft.effects };
}

function apply(d: Draft, input: TimedInput) {
  switch (input.type) {
    case "start":
      if (d.s.settings.hasBuild) startBuild(d, "initial build", null, 0);
      else {
        // Nothing to build: the first start is the first reload, reported when it is up.
        d.s.built = { fingerprint: null, seq: 0 };
        d.s.reload = {
          seq: 0,
          files: 0,
          action: "restart",
          paths: [],
          timing: {},
          stageStart: input.now,
        };
        d.s.active = spawn(d);
      }
      return;
    case "changes":
      return onChanges(d, input);
    case "buildDone":
      return onBuildDone(d, input);
    case "childStarted":
      return onChildStarted(d, input);
    case "childExited":
      return onChildExited(d, input);
    case "health":
      return onHealth(d, input);
    case "drained":
      return onDrained(d, input);
    case "hookDone":
      return onHookDone(d, input);
    case "timer":
      if (input.name.startsWith("hook:")) return onHookTimeout(d, Number(input.name.slice(5)));
      if (input.name === "backoff" && d.s.crash.backoffUntil !== null) {
        const s = d.s;
        s.crash.backoffUntil = null;
        if (!s.active && !s.candidate && !s.build && !swapPending(s)) s.active = spawn(d);
      }
      return;
    case "command":
      return onCommand(d, input.command);
  }
}
