/**
 * A driver for the pure engine step in table tests: feed inputs at given times, collect the
 * effects. Tests speak of pids, as the loop sees them; the harness maps each pid to the
 * engine's instance id (the oldest startChild not yet started gets the next pid).
 */
import { initialState, step } from "../../src/engine/step.ts";
import type { Effect, EngineInput, EngineSettings, EngineState } from "../../src/engine/types.ts";

export const SETTINGS: EngineSettings = {
  hasBuild: true,
  hasHealthCheck: false,
  onBusy: "restart",
  backoffInitialMs: 1000,
  backoffMaxMs: 32_000,
  resetAfterMs: 10_000,
  buildCommand: "go build -o bin/app .",
  execCommand: "bin/app",
  stopSignal: "SIGTERM",
  restart: "on_failure",
  swap: null,
  rules: [],
  hooks: { before_build: null, after_build: null, after_ready: null, on_crash: null },
  hookTimeoutMs: 60_000,
};

type ByPid<T> = T extends { id: number } ? Omit<T, "id"> & { pid: number } : never;
/** Instance inputs addressed by pid instead of instance id. */
export type HarnessInput =
  | EngineInput
  | ByPid<Extract<EngineInput, { type: "childExited" | "health" | "drained" }>>;

/** Drives step() with a fake time line; keeps every effect for assertions. */
export function engine(settings: Partial<EngineSettings> = {}) {
  let state: EngineState = initialState({ ...SETTINGS, ...settings });
  let now = 0;
  let last: Effect[] = [];
  const spawned: number[] = [];
  const ids = new Map<number, number>();
  const resolve = (input: HarnessInput): EngineInput => {
    if (input.type === "childStarted") {
      if ("id" in input && input.id > 0) return input;
      const id = spawned.shift();
      if (id === undefined)
        throw new Error(`pid ${input.pid} started, but no startChild is pending`);
      ids.set(input.pid, id);
      return { type: "childStarted", id, pid: input.pid };
    }
    if (
      (input.type === "childExited" || input.type === "health" || input.type === "drained") &&
      "pid" in input
    ) {
      const { pid, ...rest } = input;
      return { ...rest, id: api.idOf(pid) } as EngineInput;
    }
    return input as EngineInput;
  };
  const api = {
    send(input: HarnessInput, at = now) {
      now = at;
      const result = step(state, { ...resolve(input), now } as Parameters<typeof step>[1]);
      state = result.state;
      last = result.effects;
      for (const e of last) if (e.type === "startChild") spawned.push(e.id);
      return api;
    },
    /** The instance id the engine gave the process with this pid. */
    idOf(pid: number): number {
      const id = ids.get(pid);
      if (id === undefined) throw new Error(`no instance has pid ${pid}`);
      return id;
    },
    started(pid: number, at = now) {
      return api.send({ type: "childStarted", id: 0, pid }, at);
    },
    get state() {
      return state;
    },
    get effects() {
      return last;
    },
    /** Effect types, with emitted event types spelled `emit:<type>`. */
    get kinds() {
      return last.map((e) => (e.type === "emit" ? `emit:${e.event.type}` : e.type));
    },
    find<T extends Effect["type"]>(type: T) {
      return last.find((e) => e.type === type) as Extract<Effect, { type: T }> | undefined;
    },
    event(type: string) {
      const found = last.find((e) => e.type === "emit" && e.event.type === type);
      return found?.type === "emit" ? (found.event as Record<string, unknown>) : undefined;
    },
    /** Start → build ok → child running with pid. */
    running(pid = 100, fingerprint: string | null = "fp1") {
      api.send({ type: "start" });
      state = { ...state, build: state.build ? { ...state.build, fingerprint } : null };
      api.send(buildOk(state.buildSeq));
      api.started(pid);
      return api;
    },
  };
  return api;
}

export const buildOk = (seq: number): EngineInput => ({
  type: "buildDone",
  seq,
  ok: true,
  cancelled: false,
  exitCode: 0,
  signal: null,
  durationMs: 10,
  tail: [],
});
export const buildFail = (seq: number): EngineInput => ({
  type: "buildDone",
  seq,
  ok: false,
  cancelled: false,
  exitCode: 2,
  signal: null,
  durationMs: 10,
  tail: ["./main.go:3:1: syntax error: unexpected }"],
});
export const change = (
  fingerprint = "fp2",
  path = "main.go",
  action?: "rebuild" | "restart",
): EngineInput => ({
  type: "changes",
  changes: [{ path, kind: "modify" }],
  fingerprint,
  ...(action ? { action } : {}),
});
export const exited = (
  pid: number,
  exitCode: number | null = 1,
  signal: string | null = null,
): HarnessInput => ({ type: "childExited", pid, exitCode, signal });
export const healthy = (pid: number, ms = 5): HarnessInput => ({
  type: "health",
  pid,
  ok: true,
  attempts: 1,
  ms,
  status: 200,
});
export const unhealthy = (pid: number, error = "connection refused"): HarnessInput => ({
  type: "health",
  pid,
  ok: false,
  attempts: 10,
  error,
});
