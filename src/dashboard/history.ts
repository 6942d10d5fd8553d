/**
 * What the dashboard remembers, as a pure reducer over bus events: the phase, the current
 * process, health, backoff, the last builds with their stage times, recent changes and the
 * last build error. Log lines live in a separate ring (log-ring.ts).
 */
import type { Event, ReloadTiming } from "../events/types.ts";
import { displayStatus } from "./display-status.ts";
import type { BuildError, BuildRecord, ChangeBatch, HistoryView } from "./history-types.ts";
import {
  type Health,
  instanceDraining,
  instanceExited,
  instanceStarted,
  noInstances,
  startedAt,
} from "./instances.ts";

export type * from "./history-types.ts";

export const MAX_BUILDS = 50;
export const MAX_CHANGE_BATCHES = 20;
export const MAX_FILES_PER_BATCH = 50;

/** Timestamps of the reload in flight, from which the stage times are derived. */
interface ReloadMarks {
  seq: number;
  stoppingAt?: number;
  startingAt?: number;
  exitedAt?: number;
}

export interface HistoryState extends HistoryView {
  reload: ReloadMarks | null;
  servingHealth: Health | null;
  /** Builds started in this run, including those no longer kept. */
  buildsSeen: number;
}

export const initialHistory: HistoryState = {
  engine: null,
  phase: "idle",
  ...noInstances,
  backoff: null,
  watch: null,
  builds: [],
  changes: [],
  lastError: null,
  status: "starting",
  healthCheck: true,
  reload: null,
  buildsSeen: 0,
};

export function createHistory(options: { healthCheck: boolean }): HistoryState {
  return { ...initialHistory, healthCheck: options.healthCheck };
}

export function viewOf(state: HistoryState): HistoryView {
  const { reload: _reload, buildsSeen: _seen, servingHealth: _serving, ...view } = state;
  return view;
}

/** Returns the same object when the event changes nothing (log lines, notices). */
export function reduceHistory(
  state: HistoryState,
  event: Event,
  details?: FailureDetails,
): HistoryState {
  const next = reduce(state, event, details);
  if (next === state) return state;
  const status = displayStatus(next);
  return status === next.status ? next : { ...next, status };
}

function updateBuild(
  state: HistoryState,
  seq: number,
  change: (build: BuildRecord) => BuildRecord,
): readonly BuildRecord[] {
  return state.builds.map((build) => (build.seq === seq ? change(build) : build));
}

function withStage(state: HistoryState, stage: keyof ReloadTiming, ms: number): HistoryState {
  if (!state.reload) return state;
  const builds = updateBuild(state, state.reload.seq, (b) => ({
    ...b,
    stages: { ...b.stages, [stage]: Math.max(0, ms) },
  }));
  return { ...state, builds };
}

function sumStages(stages: ReloadTiming): number {
  return (stages.build ?? 0) + (stages.stop ?? 0) + (stages.start ?? 0) + (stages.healthy ?? 0);
}

/** Gives the latest change batch its outcome, if it has none yet. */
function settleChanges(changes: readonly ChangeBatch[], outcome: string): readonly ChangeBatch[] {
  const last = changes.at(-1);
  if (!last || last.outcome !== null) return changes;
  return [...changes.slice(0, -1), { ...last, outcome }];
}

/** The failure details the store adds from the build's output (head, tail, links). */
export type FailureDetails = Pick<BuildError, "head" | "omitted" | "tail" | "links">;

/** The error panel's content for a failed build or a failed rule command. */
function failureOf(
  state: HistoryState,
  seq: number,
  failed: {
    time: number;
    exitCode: number | null;
    signal: string | null;
    durationMs: number;
    tail: string[];
  },
  details?: FailureDetails,
): BuildError {
  return {
    seq,
    time: failed.time,
    exitCode: failed.exitCode,
    signal: failed.signal,
    durationMs: failed.durationMs,
    head: [],
    omitted: 0,
    tail: failed.tail,
    links: [],
    ...details,
    serverPid: state.process?.pid ?? null,
  };
}

function reduce(state: HistoryState, event: Event, details?: FailureDetails): HistoryState {
  switch (event.type) {
    case "engine.started": {
      const { type: _t, time: _time, ...engine } = event;
      return { ...state, engine };
    }
    case "phase":
      return {
        ...state,
        phase: event.phase,
        backoff: event.phase === "backoff" ? state.backoff : null,
      };
    case "watch.ready":
      return { ...state, watch: { mode: event.mode, dirs: event.dirs } };
    case "changes": {
      const batch = {
        time: event.time,
        files: event.changes.slice(0, MAX_FILES_PER_BATCH),
        total: event.changes.length,
        outcome: null,
      };
      return { ...state, changes: [...state.changes, batch].slice(-MAX_CHANGE_BATCHES) };
    }
    case "build.started": {
      const record: BuildRecord = {
        seq: event.seq,
        reason: event.reason,
        startedAt: event.time,
        outcome: "building",
        durationMs: null,
        stages: {},
        done: false,
        initial: state.buildsSeen === 0,
      };
      const builds = [...state.builds.filter((b) => b.seq !== event.seq), record];
      return {
        ...state,
        builds: builds.slice(-MAX_BUILDS),
        reload: { seq: event.seq },
        buildsSeen: state.buildsSeen + 1,
        changes: settleChanges(state.changes, `build #${event.seq}`),
      };
    }
    case "build.skipped":
      // The tree is back to the running build's bytes: whatever failed since is moot.
      return {
        ...state,
        lastError: null,
        changes: settleChanges(state.changes, `skipped: ${event.reason}`),
      };
    case "build.finished": {
      const builds = updateBuild(state, event.seq, (b) => ({
        ...b,
        outcome: event.ok ? "ok" : "failed",
        durationMs: event.durationMs,
        stages: { ...b.stages, build: event.durationMs },
        done: !event.ok,
      }));
      if (event.ok) return { ...state, builds, lastError: null };
      const lastError = failureOf(state, event.seq, event, details);
      const reload = state.reload?.seq === event.seq ? null : state.reload;
      return { ...state, builds, lastError, reload };
    }
    case "rules.applied":
      // A batch the rules answered without a build or a restart has its outcome now.
      if (event.action === "ignore")
        return { ...state, changes: settleChanges(state.changes, "ignored by a rule") };
      return state;
    case "browser.reload":
      return { ...state, changes: settleChanges(state.changes, "browsers reloaded") };
    case "hook.finished": {
      // A rule's failing command stops its batch like a failed build, and is shown as one.
      if (event.ok || event.hook !== "run") return state;
      const lastError = failureOf(state, state.builds.at(-1)?.seq ?? 0, event, details);
      const outcome = `\`${event.command}\` failed`;
      return { ...state, lastError, changes: settleChanges(state.changes, outcome) };
    }
    case "build.cancelled": {
      const builds = updateBuild(state, event.seq, (b) => ({
        ...b,
        outcome: "cancelled",
        durationMs: event.time - b.startedAt,
        done: true,
      }));
      return { ...state, builds, reload: state.reload?.seq === event.seq ? null : state.reload };
    }
    case "process.stopping":
      return state.reload
        ? { ...state, reload: { ...state.reload, stoppingAt: event.time } }
        : state;
    case "process.draining":
      return { ...state, ...instanceDraining(state, event.pid) };
    case "process.exited": {
      const base: HistoryState = { ...state, ...instanceExited(state, event.pid) };
      if (!base.reload) return base;
      const reload = { ...base.reload, exitedAt: event.time };
      const stopped = base.reload.stoppingAt;
      const next = stopped === undefined ? base : withStage(base, "stop", event.time - stopped);
      return { ...next, reload };
    }
    case "process.starting":
      return state.reload
        ? { ...state, reload: { ...state.reload, startingAt: event.time } }
        : state;
    case "process.started": {
      const started = { pid: event.pid, startedAt: event.time };
      const next: HistoryState = {
        ...state,
        ...instanceStarted(state, started, state.healthCheck),
      };
      const from = state.reload?.startingAt ?? state.reload?.exitedAt;
      return from === undefined ? next : withStage(next, "start", event.time - from);
    }
    case "health.ok": {
      const next: HistoryState = {
        ...state,
        health: { status: "ok", pid: event.pid, attempts: event.attempts, ms: event.ms },
      };
      const at = startedAt(state, event.pid);
      return at === undefined ? next : withStage(next, "healthy", event.time - at);
    }
    case "health.failed":
      return {
        ...state,
        health: { status: "failed", pid: event.pid, attempts: event.attempts, error: event.error },
      };
    case "crash.backoff":
      return {
        ...state,
        backoff: {
          attempt: event.attempt,
          delayMs: event.delayMs,
          until: event.time + event.delayMs,
        },
      };
    case "reload.done": {
      const builds = updateBuild(state, event.seq, (b) => ({
        ...b,
        // The engine's own timing wins over what we derived from event times.
        stages: { ...b.stages, ...event.timing },
        durationMs: Math.max(event.time - b.startedAt, sumStages({ ...b.stages, ...event.timing })),
        done: true,
      }));
      return { ...state, builds, reload: state.reload?.seq === event.seq ? null : state.reload };
    }
    default:
      return state;
  }
}
