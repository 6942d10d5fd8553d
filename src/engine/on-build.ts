/** The build finished: decide what its result means. */
import { firstErrorLine } from "../notify/first-error-line.ts";
import { deploy, scheduleBackoff, stageDone, startBuild } from "./moves.ts";
import type { Draft, EngineInput } from "./types.ts";

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
    if (!s.active && !s.candidate && s.built && s.crash.attempts > 0) scheduleBackoff(d);
    return;
  }

  s.lastBuildFailed = false;
  s.built = { fingerprint: build.fingerprint, seq: build.seq };
  stageDone(d, "build");
  // A successful build from a real change forgives earlier crashes.
  if (build.files > 0) s.crash.attempts = 0;
  if (s.rebuildQueued) {
    const queued = s.rebuildQueued;
    startBuild(d, queued.reason, null, queued.files);
    return;
  }
  if (s.halted) return;
  deploy(d, "swap");
}
