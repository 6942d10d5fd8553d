/**
 * The engine's vocabulary: what it knows (state), what happens to it (inputs) and what it
 * asks the world to do (effects). step() in step.ts maps one to the others, purely.
 */
import type { EventInput, FileChange, HookName, Phase, ReloadTiming } from "../events/types.ts";
import type { NotifyKind } from "../notify/types.ts";
import type { CompiledRule } from "./rules.ts";

export type { HookName, NotifyKind };

export type CommandKind = "rebuild" | "restart" | "stop" | "start" | "quit";
/**
 * Why an instance is being stopped. `swap`: the next one starts once it is gone (no proxy,
 * or stop-first); `retire`: it was replaced and has drained; `superseded`: a candidate that
 * a newer change made pointless; `failed`: a candidate that never became ready.
 */
export type StopReason = "swap" | "restart" | "stop" | "quit" | "retire" | "superseded" | "failed";
/** What a change batch asks for; the strongest action of its files wins. */
export type ChangeAction = "rebuild" | "restart" | "reload";
export type HookTimer = `hook:${number}`;
export type TimerName = "backoff" | HookTimer;

export interface HookSetting {
  command: string;
  timeoutMs: number;
}
export type RestartPolicy = "on_failure" | "always" | "never";

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
  restart: RestartPolicy;
  /** How a new instance replaces the old one behind hotreload's proxy; null: no proxy. */
  swap: "overlap" | "stop_first" | null;
  /** `rules:`, in order, their globs compiled. */
  rules: readonly CompiledRule[];
  hooks: Record<Exclude<HookName, "run">, HookSetting | null>;
  /** `hooks.timeout`: for a rule's `run` without a timeout of its own. */
  hookTimeoutMs: number;
}

export interface BuildState {
  seq: number;
  reason: string;
  fingerprint: string | null;
  files: number;
  /** The changed files it builds (for the hooks' HOTRELOAD_CHANGED_FILES). */
  paths: string[];
  startedAt: number;
  /** A build is its before_build hook, its command, then its after_build hook. */
  stage: "before_build" | "command" | "after_build";
  /** The hook of the current stage, while one runs. */
  hook: number | null;
  /** The command's result, kept while after_build runs (build.finished waits for it). */
  result: {
    exitCode: number | null;
    signal: string | null;
    durationMs: number;
    tail: string[];
  } | null;
}

/** A hook process; `cancelling` until its end is reported (its result no longer counts). */
export interface HookRun {
  id: number;
  hook: HookName;
  command: string;
  status: "running" | "cancelling";
  /** For `run`: the index of its rule. */
  rule: number | null;
  startedAt: number;
  timeoutMs: number;
}

/**
 * Rule commands that run before a batch's action. Batches that arrive meanwhile join it;
 * `pending` holds the rules (by index, in order) whose command must still run.
 */
export interface PrepState {
  changes: FileChange[];
  /** Changes whose action was given (env files restart), not decided by the rules. */
  forced: { action: ChangeAction; changes: FileChange[] } | null;
  fingerprint: string | null;
  pending: number[];
  current: { rule: number; hook: number } | null;
}

/**
 * One run of the server. `spawning` until its pid is known; `running` (its health pending,
 * ok or failed); `draining` (replaced behind the proxy, finishing its requests);
 * `stopping` (signalled, waiting for its exit).
 */
export interface Instance {
  id: number;
  status: "spawning" | "running" | "draining" | "stopping";
  pid: number | null;
  /** When it was spawned, then when it was seen running (monotonic ms). */
  startedAt: number;
  fingerprint: string | null;
  health: "pending" | "ok" | "failed";
  stopReason: StopReason | null;
  /** When the stop (or the drain) began. */
  since: number;
}

/** Timing of the reload in progress, for the one-line summary and the dashboard chart. */
export interface ReloadState {
  seq: number;
  files: number;
  action: "rebuild" | "restart";
  paths: string[];
  timing: ReloadTiming;
  /** When the current stage began (monotonic ms). */
  stageStart: number;
}

export interface EngineState {
  settings: EngineSettings;
  build: BuildState | null;
  /** A change arrived during a build with on_busy=queue, or while a swap was under way. */
  rebuildQueued: { reason: string; files: number; paths: string[] } | null;
  /** The instance that serves (or is starting to, when there is no other). */
  active: Instance | null;
  /** Behind the proxy with overlap: the newest build's instance, not yet ready. */
  candidate: Instance | null;
  /** Instances on their way out (draining or stopping); nothing routes to them. */
  retiring: Instance[];
  instanceSeq: number;
  /** The instance the proxy sends new requests to; null: none (requests are held). */
  routed: number | null;
  /** Fingerprint of the last successful build, which the next start runs. */
  built: { fingerprint: string | null; seq: number } | null;
  buildSeq: number;
  lastBuildFailed: boolean;
  crash: { attempts: number; backoffUntil: number | null; exitCode: number | null };
  /** The server exited on its own and the restart policy says to wait for a change. */
  exited: { exitCode: number | null; signal: string | null } | null;
  /** Unhealthy or crashed since the last good state: the next healthy start is a recovery. */
  troubled: boolean;
  /** Set by the stop command: no automatic start until a change, rebuild or start. */
  halted: boolean;
  quitting: boolean;
  reload: ReloadState | null;
  hooks: HookRun[];
  hookSeq: number;
  prep: PrepState | null;
  /**
   * A restart or browser reload asked for while a build or a swap was under way: the swap
   * covers it; if that fails, it is done on its own.
   */
  pending: "restart" | "reload" | null;
  phase: Phase;
}

export type EngineInput =
  | { type: "start" }
  | {
      type: "changes";
      changes: FileChange[];
      fingerprint: string | null;
      /** Absent means rebuild (the default for every watched file). */
      action?: ChangeAction;
    }
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
  | { type: "childStarted"; id: number; pid: number }
  | { type: "childExited"; id: number; exitCode: number | null; signal: string | null }
  | { type: "health"; id: number; ok: true; attempts: number; ms: number; status: number }
  | { type: "health"; id: number; ok: false; attempts: number; error: string }
  | { type: "drained"; id: number }
  | {
      type: "hookDone";
      id: number;
      ok: boolean;
      exitCode: number | null;
      signal: string | null;
      durationMs: number;
      tail: string[];
    }
  | { type: "timer"; name: TimerName }
  | { type: "command"; command: CommandKind };

/** Every input carries the monotonic time at which it happened. */
export type TimedInput = EngineInput & { now: number };

export type Effect =
  | { type: "startBuild"; seq: number }
  | { type: "cancelBuild"; seq: number }
  | { type: "startChild"; id: number }
  | { type: "stopChild"; id: number; reason: StopReason }
  | { type: "probeHealth"; id: number }
  | { type: "cancelHealth"; id: number }
  /** The proxy sends new requests to instance `id`; null: hold them, none can serve. */
  | { type: "route"; id: number | null }
  /** Let instance `id` finish what it serves (bounded by proxy.drain_timeout), then report drained. */
  | { type: "drain"; id: number }
  /** Run a hook (or a rule's command) in the root, in its own group, with `env` added. */
  | { type: "runHook"; id: number; hook: HookName; command: string; env: Record<string, string> }
  /** Stop a hook's whole group; its hookDone still follows. */
  | { type: "cancelHook"; id: number }
  /** Reload the open browser pages (the proxy's live reload); `css`: swap stylesheets only. */
  | { type: "reloadBrowsers"; paths: string[]; css: boolean }
  | { type: "schedule"; name: TimerName; ms: number }
  | { type: "cancelTimer"; name: TimerName }
  | { type: "emit"; event: EventInput }
  | { type: "notify"; kind: NotifyKind; title: string; body: string }
  | { type: "exit"; code: number };

export interface StepResult {
  state: EngineState;
  effects: Effect[];
}

/** A mutable working copy for one step; `effects` collects what to do, in order. */
export interface Draft {
  s: EngineState;
  effects: Effect[];
  now: number;
}
