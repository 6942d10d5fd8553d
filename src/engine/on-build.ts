/** The build command finished: decide what its result means (after_build may still follow). */
import { runHook } from "./hook-moves.ts";
import { buildFailed, buildSucceeded } from "./outcomes.ts";
import type { Draft, EngineInput } from "./types.ts";

export function onBuildDone(d: Draft, input: Extract<EngineInput, { type: "buildDone" }>): void {
  const s = d.s;
  const build = s.build;
  // A cancelled build finishing late, or one that is not at its command stage.
  if (!build || build.seq !== input.seq || build.stage !== "command") return;
  s.build = null;
  if (input.cancelled) return;
  if (!input.ok) {
    buildFailed(d, input);
    return;
  }
  const after = s.settings.hooks.after_build;
  if (after && !s.quitting) {
    const result = {
      exitCode: input.exitCode,
      signal: input.signal,
      durationMs: input.durationMs,
      tail: input.tail,
    };
    s.build = { ...build, stage: "after_build", hook: null, result };
    const hook = runHook(d, "after_build", after, { files: build.paths, seq: build.seq });
    s.build = { ...s.build, hook };
    return;
  }
  d.effects.push({
    type: "emit",
    event: {
      type: "build.finished",
      seq: input.seq,
      ok: true,
      exitCode: input.exitCode,
      signal: input.signal,
      durationMs: input.durationMs,
      tail: input.tail,
    },
  });
  if (s.quitting) return;
  buildSucceeded(d, build);
}
