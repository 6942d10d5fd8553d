/**
 * How a build (with its hooks) or a rule's command ends: the moves shared by the build and
 * hook handlers. A failure keeps the running server and is reported the same way, whatever
 * failed; a restart or browser reload that waited for the swap is then done on its own.
 */
import { firstErrorLine } from "../notify/first-error-line.ts";
import { deploy, reloadBrowsers, scheduleBackoff, stageDone, startBuild } from "./moves.ts";
import type { BuildState, Draft } from "./types.ts";

export interface FailedStep {
  seq: number;
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  tail: string[];
  hook?: "before_build" | "after_build";
  timedOut?: boolean;
}

export function buildFailed(d: Draft, r: FailedStep): void {
  const s = d.s;
  d.effects.push({
    type: "emit",
    event: {
      type: "build.finished",
      seq: r.seq,
      ok: false,
      exitCode: r.exitCode,
      signal: r.signal,
      durationMs: r.durationMs,
      tail: r.tail,
      ...(r.hook ? { hook: r.hook } : {}),
    },
  });
  if (s.quitting) return;
  s.lastBuildFailed = true;
  s.troubled = true;
  s.reload = null;
  d.effects.push({
    type: "notify",
    kind: "build-failed",
    title: r.hook ? `${r.hook} hook failed` : "build failed",
    body: failureText(r),
  });
  // The old process keeps serving. If there is none (it crashed meanwhile), retry it with backoff.
  if (!s.active && !s.candidate && s.built && s.crash.attempts > 0) scheduleBackoff(d);
  settlePending(d, "build failed");
}

/** The build and its hooks succeeded: run it (or build again, when changes were queued). */
export function buildSucceeded(d: Draft, build: BuildState): void {
  const s = d.s;
  s.lastBuildFailed = false;
  s.built = { fingerprint: build.fingerprint, seq: build.seq };
  stageDone(d, "build");
  // A successful build from a real change forgives earlier crashes.
  if (build.files > 0) s.crash.attempts = 0;
  if (s.rebuildQueued) {
    const queued = s.rebuildQueued;
    startBuild(d, queued.reason, null, queued.files, queued.paths);
    return;
  }
  if (s.halted) return;
  deploy(d, "swap");
}

/** A rule's command failed: its batch's action is dropped, the server keeps running. */
export function runFailed(d: Draft, command: string, r: Omit<FailedStep, "seq">): void {
  const s = d.s;
  s.troubled = true;
  d.effects.push({
    type: "notify",
    kind: "build-failed",
    title: `\`${command}\` failed`,
    body: failureText(r),
  });
  settlePending(d, `\`${command}\` failed`);
}

/**
 * What waited for a build or swap that did not happen: a browser reload is done now (the
 * running server serves the new files); a restart of the running server too, unless the
 * swap failed (the newest build cannot start, the running one stays as it is).
 */
export function settlePending(d: Draft, why: string): void {
  const s = d.s;
  const pending = s.pending;
  s.pending = null;
  if (pending === "reload") reloadBrowsers(d, []);
  if (pending === "restart" && why !== "swap failed" && s.active?.status === "running") {
    s.reload = {
      seq: s.buildSeq,
      files: 0,
      timing: {},
      stageStart: d.now,
      action: "restart",
      paths: [],
    };
    deploy(d, "restart");
  }
}

function failureText(r: Omit<FailedStep, "seq">): string {
  if (r.timedOut) return `timed out after ${Math.round(r.durationMs / 100) / 10}s`;
  return firstErrorLine(r.tail) || (r.signal ? `killed by ${r.signal}` : `exit code ${r.exitCode}`);
}
