/**
 * The one vocabulary of hotreload: every stage emits these events onto the bus, and the
 * terminal log, the dashboard websocket and the `--json` NDJSON stream all carry them
 * unchanged. Add a field here once and every sink gets it.
 */

export type Phase =
  | "idle"
  | "building"
  | "starting"
  | "running"
  | "unhealthy"
  | "crashed"
  | "backoff"
  | "stopping"
  /** Stopped by the user: nothing starts until a change, a rebuild or a start. */
  | "stopped"
  /** Exited cleanly on its own; the restart policy waits for a change. */
  | "exited";

export type ChangeKind = "create" | "modify" | "delete" | "rename";

export interface FileChange {
  /**
   * Path relative to the root, with forward slashes; in an extra `watch` directory, relative
   * to the root too (`../shared/util.go`), or absolute when that directory is far away.
   */
  path: string;
  kind: ChangeKind;
}

/** What a user can ask for from the dashboard: the engine's commands and clearing its log. */
export type UserCommand = "rebuild" | "restart" | "stop" | "start" | "clear";

export type LogStream = "build" | "app" | "engine" | "hook";

/** A hook of the reload cycle, or `run`: the command of a rule (rules[].run). */
export type HookName = "before_build" | "after_build" | "after_ready" | "on_crash" | "run";

/** What a batch (or one file of it) triggers, from `rules:`. */
export type RuleAction = "rebuild" | "restart" | "reload" | "ignore";

/** How one changed file was decided. */
export interface RuleHit {
  path: string;
  action: RuleAction;
  /** Index in `rules:`; null: no rule matched (rebuild), or the action was given (env files). */
  rule: number | null;
  /** The matching rule's globs, for the log. */
  match: string | null;
}

/** Durations of the stages of one reload, in milliseconds; absent when a stage did not run. */
export interface ReloadTiming {
  build?: number;
  stop?: number;
  start?: number;
  healthy?: number;
}

interface EventBase {
  /** Wall-clock time in epoch milliseconds. */
  time: number;
  /** The service it concerns, when the config has `services:`; absent otherwise. */
  service?: string;
}

export type Event = EventBase &
  (
    | {
        type: "engine.started";
        version: string;
        root: string;
        pid: number;
        build: string | null;
        exec: string;
      }
    | { type: "engine.stopped"; code: number; reason: string }
    | { type: "phase"; phase: Phase; previous: Phase }
    | { type: "watch.ready"; mode: "native" | "poll"; dirs: number; ms: number }
    /** Initial hashing finished (in the background, after watch.ready). */
    | { type: "watch.hashed"; files: number; ms: number }
    | { type: "watch.fallback"; reason: string; hint: string }
    | { type: "watch.error"; message: string }
    /** The watched root was deleted or replaced: the server is stopped until it is back. */
    | { type: "watch.root-gone"; root: string; reason: "deleted" | "replaced" }
    /** The root is a directory again and watched anew; a rebuild follows. */
    | { type: "watch.root-back"; root: string }
    | { type: "changes"; changes: FileChange[]; fingerprint: string | null }
    | { type: "changes.ignored"; reason: string; paths: string[] }
    /** The rules' decision for a batch (emitted when a rule matched or the action was given). */
    | { type: "rules.applied"; action: RuleAction; hits: RuleHit[]; runs: string[] }
    | { type: "build.started"; seq: number; command: string; reason: string }
    | {
        type: "build.finished";
        seq: number;
        ok: boolean;
        /** The build's hook that failed it (the command itself did not run, or ran fine). */
        hook?: "before_build" | "after_build";
        exitCode: number | null;
        signal: string | null;
        durationMs: number;
        /** The last lines of output, for error reports. */
        tail: string[];
      }
    | { type: "build.cancelled"; seq: number; reason: string }
    | { type: "build.skipped"; reason: string }
    | { type: "process.starting"; command: string }
    | { type: "process.started"; pid: number }
    | { type: "process.stopping"; pid: number; signal: string }
    /** Replaced behind the proxy: it finishes its requests and streams, then is stopped. */
    | { type: "process.draining"; pid: number }
    /** A new instance never became ready (it exited, or failed its probe); the old one serves on. */
    | { type: "swap.failed"; reason: string; previousServing: boolean }
    | {
        type: "process.exited";
        pid: number;
        exitCode: number | null;
        signal: string | null;
        /** True when hotreload asked it to stop. */
        requested: boolean;
        uptimeMs: number;
      }
    | { type: "health.ok"; pid: number; attempts: number; ms: number; status: number }
    | { type: "health.failed"; pid: number; attempts: number; error: string }
    | { type: "crash.backoff"; attempt: number; delayMs: number; exitCode: number | null }
    | {
        type: "reload.done";
        seq: number;
        files: number;
        timing: ReloadTiming;
        /** The health check failed: the new server runs, but is not ready. Absent: ready. */
        unhealthy?: string;
        /** `restart`: the server was swapped without a build (a rule, an env file); absent: rebuild. */
        action?: "rebuild" | "restart";
      }
    /** Open pages were asked to reload (a `reload` rule); works with the proxy's live reload. */
    /** `css`: only stylesheets of `live_reload.css` changed; pages swap them in place. */
    | { type: "browser.reload"; paths: string[]; css?: boolean }
    | {
        type: "hook.started";
        id: number;
        hook: HookName;
        command: string;
        /** For `run`: the rule's index. */
        rule: number | null;
      }
    | {
        type: "hook.finished";
        id: number;
        hook: HookName;
        command: string;
        rule: number | null;
        ok: boolean;
        exitCode: number | null;
        signal: string | null;
        /** Killed (its whole group) for running longer than its timeout. */
        timedOut: boolean;
        durationMs: number;
        tail: string[];
      }
    /**
     * A command from a user interface (the dashboard), before the engine acts on it. With
     * `services:`, `service` names the one it is for, or `all` says it is for every one.
     */
    | { type: "command.requested"; command: UserCommand; source: "dashboard"; all?: true }
    | {
        type: "log";
        stream: LogStream;
        fd: "stdout" | "stderr";
        line: string;
        /** On stream `hook`: which hook wrote it. */
        hook?: HookName;
      }
    | { type: "notice"; level: "debug" | "info" | "warn" | "error"; tag: string; message: string }
  );

export type EventType = Event["type"];
export type EventOf<T extends EventType> = Extract<Event, { type: T }>;

/** Distributes Omit over the union so each member keeps its own fields. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An event before the bus stamps its time. */
export type EventInput = DistributiveOmit<Event, "time">;
