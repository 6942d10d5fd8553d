/**
 * A hook (or a rule's command) ended, or outlived its timeout: a failure of a build's hook
 * fails the build, a failing rule command drops its batch's action; after_ready and on_crash
 * are only reported.
 */
import { runSucceeded } from "./batch.ts";
import { cancelHook, findHook, forgetHook, hookTimer } from "./hook-moves.ts";
import { exitIfDone } from "./moves.ts";
import { buildFailed, buildSucceeded, runFailed } from "./outcomes.ts";
import type { Draft, EngineInput, HookRun } from "./types.ts";

interface HookResult {
  ok: boolean;
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  tail: string[];
  timedOut: boolean;
}

export function onHookDone(d: Draft, input: Extract<EngineInput, { type: "hookDone" }>): void {
  const run = findHook(d, input.id);
  if (!run) return;
  forgetHook(d, run.id);
  if (run.status === "cancelling") {
    exitIfDone(d);
    return;
  }
  d.effects.push({ type: "cancelTimer", name: hookTimer(run.id) });
  const { ok, exitCode, signal, durationMs, tail } = input;
  finished(d, run, { ok, exitCode, signal, durationMs, tail, timedOut: false });
}

/** Its timer fired first: the hook has failed; its group is stopped (its end still follows). */
export function onHookTimeout(d: Draft, id: number): void {
  const run = findHook(d, id);
  if (run?.status !== "running") return;
  cancelHook(d, id);
  const seconds = Math.round(run.timeoutMs / 100) / 10;
  finished(d, run, {
    ok: false,
    exitCode: null,
    signal: null,
    durationMs: d.now - run.startedAt,
    tail: [`${run.command}: still running after its timeout (${seconds}s); stopped`],
    timedOut: true,
  });
}

function finished(d: Draft, run: HookRun, r: HookResult): void {
  const s = d.s;
  d.effects.push({
    type: "emit",
    event: {
      type: "hook.finished",
      id: run.id,
      hook: run.hook,
      command: run.command,
      rule: run.rule,
      ...r,
    },
  });
  if (s.quitting) return;
  if (run.hook === "run") {
    if (s.prep?.current?.hook !== run.id) return;
    if (r.ok) runSucceeded(d);
    else {
      s.prep = null;
      runFailed(d, run.command, r);
    }
    return;
  }
  if (run.hook !== "before_build" && run.hook !== "after_build") return;
  const build = s.build;
  if (!build || build.hook !== run.id) return;
  if (!r.ok) {
    s.build = null;
    buildFailed(d, { ...r, seq: build.seq, hook: run.hook });
    return;
  }
  if (run.hook === "before_build") {
    s.build = { ...build, stage: "command", hook: null };
    d.effects.push({ type: "startBuild", seq: build.seq });
    return;
  }
  s.build = null;
  const result = build.result ?? { exitCode: 0, signal: null, durationMs: 0, tail: [] };
  d.effects.push({
    type: "emit",
    event: { type: "build.finished", seq: build.seq, ok: true, ...result },
  });
  buildSucceeded(d, build);
}
