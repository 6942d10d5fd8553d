/** A driver for the pure engine step in table tests: feed inputs at given times, collect the effects. */
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
};

/** Drives step() with a fake time line; keeps every effect for assertions. */
export function engine(settings: Partial<EngineSettings> = {}) {
  let state: EngineState = initialState({ ...SETTINGS, ...settings });
  let now = 0;
  let last: Effect[] = [];
  const api = {
    send(input: EngineInput, at = now) {
      now = at;
      const result = step(state, { ...input, now } as Parameters<typeof step>[1]);
      state = result.state;
      last = result.effects;
      return api;
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
      api.send({ type: "childStarted", pid });
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
export const change = (fingerprint = "fp2", path = "main.go"): EngineInput => ({
  type: "changes",
  changes: [{ path, kind: "modify" }],
  fingerprint,
});
export const exited = (pid: number, exitCode: number | null = 1): EngineInput => ({
  type: "childExited",
  pid,
  exitCode,
  signal: null,
});
