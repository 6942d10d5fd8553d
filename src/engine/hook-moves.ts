/**
 * Starting and cancelling hooks (and rules' commands), the lowest of the engine's moves.
 * A hook's timeout is the engine's own timer: when it fires first, the hook has failed and
 * its whole group is stopped; the late hookDone of a cancelled hook only clears it away.
 */
import type { Draft, HookName, HookRun, HookSetting, HookTimer } from "./types.ts";

export interface HookVars {
  /** Changed files, relative to the root (HOTRELOAD_CHANGED_FILES, one per line). */
  files?: readonly string[];
  seq?: number | null;
  pid?: number | null;
  exitCode?: number | null;
  rule?: number | null;
}

export const hookTimer = (id: number): HookTimer => `hook:${id}`;

export function runHook(d: Draft, hook: HookName, spec: HookSetting, vars: HookVars = {}): number {
  const s = d.s;
  const id = ++s.hookSeq;
  const rule = vars.rule ?? null;
  const run: HookRun = {
    id,
    hook,
    command: spec.command,
    status: "running",
    rule,
    startedAt: d.now,
    timeoutMs: spec.timeoutMs,
  };
  s.hooks = [...s.hooks, run];
  const env: Record<string, string> = {
    HOTRELOAD_HOOK: hook,
    HOTRELOAD_CHANGED_FILES: (vars.files ?? []).join("\n"),
  };
  if (vars.seq !== undefined && vars.seq !== null) env.HOTRELOAD_BUILD_SEQ = String(vars.seq);
  if (vars.pid !== undefined && vars.pid !== null) env.HOTRELOAD_PID = String(vars.pid);
  if (vars.exitCode !== undefined && vars.exitCode !== null)
    env.HOTRELOAD_EXIT_CODE = String(vars.exitCode);
  d.effects.push({
    type: "emit",
    event: { type: "hook.started", id, hook, command: spec.command, rule },
  });
  d.effects.push({ type: "runHook", id, hook, command: spec.command, env });
  d.effects.push({ type: "schedule", name: hookTimer(id), ms: spec.timeoutMs });
  return id;
}

/** Stops a running hook; what it reports afterwards is ignored. */
export function cancelHook(d: Draft, id: number): void {
  const s = d.s;
  const run = s.hooks.find((h) => h.id === id);
  if (run?.status !== "running") return;
  s.hooks = s.hooks.map((h) => (h.id === id ? { ...h, status: "cancelling" } : h));
  d.effects.push({ type: "cancelTimer", name: hookTimer(id) });
  d.effects.push({ type: "cancelHook", id });
}

/** Quit: every hook still running is stopped. */
export function cancelAllHooks(d: Draft): void {
  for (const run of d.s.hooks) cancelHook(d, run.id);
}

export function findHook(d: Draft, id: number): HookRun | undefined {
  return d.s.hooks.find((h) => h.id === id);
}

/** A hook's process has ended (reported or not): it leaves the list. */
export function forgetHook(d: Draft, id: number): void {
  d.s.hooks = d.s.hooks.filter((h) => h.id !== id);
}

/** The command of a rule's `run`, with its timeout resolved. */
export function ruleRun(d: Draft, rule: number): HookSetting | null {
  const run = d.s.settings.rules[rule]?.run;
  if (!run) return null;
  return { command: run.command, timeoutMs: run.timeout ?? d.s.settings.hookTimeoutMs };
}
