/** The shapes of the dashboard's history (history.ts): what a page receives and draws. */
import type { EventOf, FileChange, Phase, ReloadTiming } from "../events/types.ts";
import type { DisplayStatus } from "./display-status.ts";
import type { Health, Instance } from "./instances.ts";

export type { DisplayStatus } from "./display-status.ts";
export type { Health } from "./instances.ts";

export type BuildOutcome = "building" | "ok" | "failed" | "cancelled";

export interface BuildRecord {
  seq: number;
  reason: string;
  /** Epoch ms when the build started. */
  startedAt: number;
  outcome: BuildOutcome;
  /** Wall time from build start to the reload being done, or to the build ending if it failed. */
  durationMs: number | null;
  /** Stage durations in ms: build, stop (old process), start (new process), healthy. */
  stages: ReloadTiming;
  /** True once reload.done arrived, or the build failed or was cancelled. */
  done: boolean;
  /** The first build of this run (the start-up build), left out of the average reload. */
  initial: boolean;
}

export interface ChangeBatch {
  time: number;
  /** At most MAX_FILES_PER_BATCH entries; `total` says how many there were. */
  files: FileChange[];
  total: number;
  /** What the batch led to: "build #4", "skipped: …"; null until the engine decided. */
  outcome: string | null;
}

export interface BuildError {
  seq: number;
  /** Epoch ms when the build failed. */
  time: number;
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  /** The first lines of the build's output, then `omitted` lines left out, then the last. */
  head: string[];
  omitted: number;
  tail: string[];
  /** `file:line:col` texts in the output that name a file of the project, with their editor link. */
  links: EditorLink[];
  /** The server that was running when the build failed (it keeps serving), or null. */
  serverPid: number | null;
}

export interface EditorLink {
  text: string;
  href: string;
}

export interface HistoryView {
  engine: Omit<EventOf<"engine.started">, "type" | "time"> | null;
  phase: Phase;
  /** The server that serves; `candidate`: a newer one started beside it (instances.ts). */
  process: Instance | null;
  candidate: Instance | null;
  health: Health;
  backoff: { attempt: number; delayMs: number; until: number } | null;
  watch: { mode: "native" | "poll"; dirs: number } | null;
  builds: readonly BuildRecord[];
  changes: readonly ChangeBatch[];
  lastError: BuildError | null;
  /** Derived from the rest by `displayStatus`, so it can never disagree with it. */
  status: DisplayStatus;
  /** A health check is configured: without one, a started server is not "checking". */
  healthCheck: boolean;
}
