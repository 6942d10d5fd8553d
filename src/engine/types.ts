/**
 * The engine's vocabulary: what it knows (state), what happens to it (inputs) and what it
 * asks the world to do (effects). step() in step.ts maps one to the others, purely.
 */
import type { EventInput, FileChange, Phase, ReloadTiming } from "../events/types.ts";
import type { NotifyKind } from "../notify/types.ts";

export type { NotifyKind };

export type CommandKind = "rebuild" | "restart" | "stop" | "start" | "quit";
export type StopReason = "swap" | "restart" | "stop" | "quit";
export type TimerName = "backoff";

export interface EngineSettings {
  hasBuild: boolean;
  hasHealthCheck: boolean;
  onBusy: "restart" | "queue";
  backoffInitialMs: number;
  backoffMaxMs: number;
  resetAfterMs: number;
  buildCommand: string | null;
  execCommand: string;
  stopSignal: string;
}

export interface BuildState {
  seq: number;
  reason: string;
  fingerprint: string | null;
  files: number;
  startedAt: number;
}

export type ChildState =
  | { status: "spawning"; since: number; fingerprint: string | null }
  | {
      status: "running";
      pid: number;
      startedAt: number;
      fingerprint: string | null;
      health: "pending" | "ok" | "failed";
    }
  | {
      status: "stopping";
      pid: number;
      startedAt: number;
      fingerprint: string | null;
      reason: StopReason;
      since: number;
    };

/** Timing of the reload in progress, for the one-line summary and the dashboard chart. */
export interface ReloadState {
  seq: number;
  files: number;
  timing: ReloadTiming;
  /** When the current stage began (monotonic ms). */
  stageStart: number;
}

export interface EngineState {
  settings: EngineSettings;
  build: BuildState | null;
  /** A change arrived during a build with on_busy=queue, or while a swap was under way. */
  rebuildQueued: { reason: string; files: number } | null;
  child: ChildState | null;
  /** Fingerprint of the last successful build, which the next start runs. */
  built: { fingerprint: string | null; seq: number } | null;
  buildSeq: number;
  lastBuildFailed: boolean;
  crash: { attempts: number; backoffUntil: number | null; exitCode: number | null };
  /** Unhealthy or crashed since the last good state: the next healthy start is a recovery. */
  troubled: boolean;
  /** Set by the stop command: no automatic start until a change, rebuild or start. */
  halted: boolean;
  quitting: boolean;
  reload: ReloadState | null;
  phase: Phase;
}

export type EngineInput =
  | { type: "start" }
  | { type: "changes"; changes: FileChange[]; fingerprint: string | null }
  | {
      type: "buildDone";
      seq: number;
      ok: boolean;
      cancelled: boolean;
      exitCode: number | null;
      signal: string | null;
      durationMs: number;
      tail: string[];
    }
  | { type: "childStarted"; pid: number }
  | { type: "childExited"; pid: number; exitCode: number | null; signal: string | null }
  | { type: "health"; pid: number; ok: true; attempts: number; ms: number; status: number }
  | { type: "health"; pid: number; ok: false; attempts: number; error: string }
  | { type: "timer"; name: TimerName }
  | { type: "command"; command: CommandKind };

/** Every input carries the monotonic time at which it happened. */
export type TimedInput = EngineInput & { now: number };

export type Effect =
  | { type: "startBuild"; seq: number }
  | { type: "cancelBuild"; seq: number }
  | { type: "startChild" }
  | { type: "stopChild"; pid: number; reason: StopReason }
  | { type: "probeHealth"; pid: number }
  | { type: "cancelHealth"; pid: number }
  | { type: "schedule"; name: TimerName; ms: number }
  | { type: "cancelTimer"; name: TimerName }
  | { type: "emit"; event: EventInput }
  | { type: "notify"; kind: NotifyKind; title: string; body: string }
  | { type: "exit"; code: number };

export interface StepResult {
  state: EngineState;
  effects: Effect[];
}
