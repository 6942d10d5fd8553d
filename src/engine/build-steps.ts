/** Transitions around the build: start it, and decide what its result means. */
import { firstErrorLine } from "../notify/first-error-line.ts";
import { startChild, stopChild } from "./child-steps.ts";
import type { Draft } from "./step.ts";
import type { EngineInput } from "./types.ts";

export function startBuild(
  d: Draft,
  reason: string,
  fingerprint: string | null,
  files: number,
): void {
  const s = d.s;
  const seq = ++s.buildSeq;
  s.build = { seq, reason, fingerprint, files, startedAt: d.now };
  s.rebuildQueued = null;
  s.reload = { seq, files, timing: {}, stageStart: d.now };
  d.effects.push({
    type: "emit",
    event: { type: "build.started", seq, command: s.settings.buildCommand ?? "", reason },
  });
  d.effects.push({ type: "startBuild", seq });
}

export function onBuildDone(d: Draft, input: Extract<EngineInput, { type: "buildDone" }>): void {
  const s = d.s;
  const build = s.build;
  if (!build || build.seq !== input.seq) return; // a cancelled build finishing late
  s.build = null;
  if (input.cancelled) return;
  d.effects.push({
    type: "emit",
    event: {
      type: "build.finished",
      seq: input.seq,
      ok: input.ok,
      exitCode: input.exitCode,
      signal: input.signal,
      durationMs: input.durationMs,
      tail: input.tail,
    },
  });
  if (s.quitting) return;

  if (!input.ok) {
    const firstError = firstErrorLine(input.tail);
    s.lastBuildFailed = true;
    s.troubled = true;
    s.reload = null;
    d.effects.push({
      type: "notify",
      kind: "build-failed",
      title: "build failed",
      body: firstError || `exit code ${input.exitCode}`,
    });
    // The old process keeps serving. If there is none (it crashed meanwhile), retry it with backoff.
    if (!s.child && s.built && s.crash.attempts > 0) scheduleBackoff(d);
    return;
  }

  s.lastBuildFailed = false;
  s.built = { fingerprint: build.fingerprint, seq: build.seq };
  if (s.reload) {
    s.reload.timing.build = d.now - s.reload.stageStart;
    s.reload.stageStart = d.now;
  }
  // A successful build from a real change forgives earlier crashes.
  if (build.files > 0) s.crash.attempts = 0;
  if (s.rebuildQueued) {
    const queued = s.rebuildQueued;
    startBuild(d, queued.reason, null, queued.files);
    return;
  }
  if (s.child?.status === "running") stopChild(d, "swap");
  else if (!s.child) startChild(d);
}

export function scheduleBackoff(d: Draft): void {
  const s = d.s;
  const { backoffInitialMs, backoffMaxMs } = s.settings;
  const exponent = Math.max(0, s.crash.attempts - 1);
  const delayMs = Math.min(backoffMaxMs, backoffInitialMs * 2 ** Math.min(exponent, 30));
  s.crash.backoffUntil = d.now + delayMs;
  d.effects.push({ type: "schedule", name: "backoff", ms: delayMs });
  d.effects.push({
    type: "emit",
    event: {
      type: "crash.backoff",
      attempt: s.crash.attempts,
      delayMs,
      exitCode: s.crash.exitCode,
    },
  });
}
