/**
 * Which bus events deserve a desktop notification. Pure: the caller keeps the state and
 * passes it back in, so the rules are table-tested without processes or timers.
 *
 * - build failed: the first line of the build output that looks like an error;
 * - recovered: the first successful build after a failed one, or the first healthy probe
 *   (or completed reload) after a crash or a failed health check;
 * - crash-loop: the server crashed and restarts after a backoff, once per crash streak
 *   (a flapping server that passes its health check between crashes is one streak);
 * - unhealthy: the health check gave up.
 */
import type { Event } from "../events/types.ts";
import type { Notification } from "./types.ts";

type Failure = "build" | "crash" | "unhealthy";

export interface NotifyState {
  /** The project's directory name, from engine.started; shown in titles. */
  readonly project: string | null;
  /** The latest unrecovered failure that was notified, with the build it happened on. */
  readonly failing: { readonly kind: Failure; readonly seq: number } | null;
  /** The seq of the latest successful build: the code the server runs. */
  readonly seq: number;
  /** The crash streak already notified: its latest attempt and the build it runs. */
  readonly streak: { readonly attempt: number; readonly seq: number } | null;
}

export const initialNotifyState: NotifyState = {
  project: null,
  failing: null,
  seq: 0,
  streak: null,
};

export interface NotifyStep {
  state: NotifyState;
  notification: Notification | null;
}

const ANSI =
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;
const ERROR_LIKE = /\berror\b|\bpanic\b|\bfatal\b|\bfailed\b|\bcannot\b|\bundefined\b|:\d+:\d+/i;
const MAX_LINE = 300;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

/** The line most worth reading in a failed build's output, without colour codes. */
export function firstErrorLine(tail: readonly string[]): string | null {
  const lines = tail.map((line) => stripAnsi(line).trim()).filter((line) => line !== "");
  const pick = lines.find((line) => ERROR_LIKE.test(line)) ?? lines.find((l) => !l.startsWith("#"));
  if (pick === undefined) return null;
  return pick.length > MAX_LINE ? `${pick.slice(0, MAX_LINE - 1)}…` : pick;
}

/** The last path segment of the root, for either separator. */
export function projectName(root: string): string | null {
  const parts = root.split(/[\\/]+/).filter((part) => part !== "");
  return parts.at(-1) ?? null;
}

function title(state: NotifyState, what: string): string {
  return state.project ? `hotreload · ${state.project}: ${what}` : `hotreload: ${what}`;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}

function exitText(exitCode: number | null, signal: string | null): string {
  if (signal) return `was killed by ${signal}`;
  return exitCode === null ? "exited" : `exited with code ${exitCode}`;
}

const quiet = (state: NotifyState): NotifyStep => ({ state, notification: null });

function recovered(state: NotifyState, body: string): NotifyStep {
  return {
    state: { ...state, failing: null },
    notification: { kind: "recovered", title: title(state, "recovered"), body },
  };
}

export function notificationFor(event: Event, state: NotifyState): NotifyStep {
  switch (event.type) {
    case "engine.started":
      return quiet({ ...initialNotifyState, project: projectName(event.root) });
    case "build.finished": {
      if (event.ok) {
        const built = { ...state, seq: event.seq };
        if (state.failing?.kind !== "build") return quiet(built);
        return recovered(built, `The build succeeds again (${event.durationMs} ms).`);
      }
      const line = firstErrorLine(event.tail);
      const fallback = `The build ${exitText(event.exitCode, event.signal)}.`;
      return {
        state: { ...state, failing: { kind: "build", seq: event.seq } },
        notification: {
          kind: "build-failed",
          title: title(state, "build failed"),
          body: line ?? fallback,
        },
      };
    }
    case "crash.backoff": {
      // Once per streak: a streak ends when the engine starts counting again (the server
      // stayed up for reset_after) or when a newer build is running.
      const { streak } = state;
      const sameStreak =
        streak !== null && event.attempt > streak.attempt && streak.seq === state.seq;
      if (sameStreak) return quiet({ ...state, streak: { ...streak, attempt: event.attempt } });
      return {
        state: {
          ...state,
          failing: { kind: "crash", seq: state.seq },
          streak: { attempt: event.attempt, seq: state.seq },
        },
        notification: {
          kind: "crash-loop",
          title: title(state, "server crashed"),
          body: `The server ${exitText(event.exitCode, null)}; restarting in ${seconds(event.delayMs)} (crash ${event.attempt}).`,
        },
      };
    }
    case "health.failed":
      return {
        state: { ...state, failing: { kind: "unhealthy", seq: state.seq } },
        notification: {
          kind: "unhealthy",
          title: title(state, "server unhealthy"),
          body: `No healthy answer after ${event.attempts} attempts: ${stripAnsi(event.error)}`,
        },
      };
    case "health.ok":
      if (state.failing === null || state.failing.kind === "build") return quiet(state);
      return recovered(state, "The server answers its health check again.");
    case "reload.done":
      // A backoff restart reuses the old build; only a newer build proves a fix.
      if (state.failing === null || state.failing.kind === "build") return quiet(state);
      if (event.seq <= state.failing.seq) return quiet(state);
      return recovered(state, "The server restarted with the new build.");
    default:
      return quiet(state);
  }
}
