/**
 * The engine's shared moves: start or cancel a build, schedule a backoff, finish a reload,
 * reload browsers — and, re-exported from instance-moves.ts, the moves on instances. The
 * input handlers (on-*.ts) call these and never each other; this module calls nothing above it.
 */
import { cancelHook, runHook } from "./hook-moves.ts";
import { deploy, spawn, swapPending } from "./instance-moves.ts";
import type { Draft } from "./types.ts";

export {
  deploy,
  detach,
  findInstance,
  promote,
  route,
  spawn,
  stopAll,
  stopInstance,
  swapPending,
  update,
} from "./instance-moves.ts";

/** A build: its before_build hook first when there is one, then the command. */
export function startBuild(
  d: Draft,
  reason: string,
  fingerprint: string | null,
  files: number,
  paths: string[] = [],
) {
  const s = d.s;
  const seq = ++s.buildSeq;
  const before = s.settings.hooks.before_build;
  s.build = {
    seq,
    reason,
    fingerprint,
    files,
    paths,
    startedAt: d.now,
    stage: before ? "before_build" : "command",
    hook: null,
    result: null,
  };
  s.rebuildQueued = null;
  s.exited = null;
  s.reload = { seq, files, timing: {}, stageStart: d.now, action: "rebuild", paths };
  d.effects.push({
    type: "emit",
    event: { type: "build.started", seq, command: s.settings.buildCommand ?? "", reason },
  });
  if (before) {
    const hook = runHook(d, "before_build", before, { files: paths, seq });
    s.build = { ...s.build, hook };
  } else d.effects.push({ type: "startBuild", seq });
}

export function cancelBuild(d: Draft, reason: string): void {
  const build = d.s.build;
  if (!build) return;
  if (build.stage === "command") d.effects.push({ type: "cancelBuild", seq: build.seq });
  else if (build.hook !== null) cancelHook(d, build.hook);
  d.effects.push({ type: "emit", event: { type: "build.cancelled", seq: build.seq, reason } });
  d.s.build = null;
}

/**
 * A change or a rebuild request: build when there is a build command; otherwise the
 * "build" is the tree itself, and the server restarts on it.
 */
export function buildOrRestart(
  d: Draft,
  reason: string,
  fingerprint: string | null,
  files: number,
  paths: string[] = [],
): void {
  const s = d.s;
  if (s.settings.hasBuild) {
    startBuild(d, reason, fingerprint, files, paths);
    return;
  }
  s.rebuildQueued = null;
  s.built = { fingerprint, seq: ++s.buildSeq };
  s.reload = {
    seq: s.buildSeq,
    files,
    timing: {},
    stageStart: d.now,
    action: "rebuild",
    paths,
  };
  s.crash.attempts = 0;
  deploy(d, "swap");
}

/** Quitting and nothing is left running: the engine is done. */
export function exitIfDone(d: Draft): void {
  const s = d.s;
  if (s.quitting && !s.active && !s.candidate && s.retiring.length === 0 && s.hooks.length === 0)
    d.effects.push({ type: "exit", code: 0 });
}

/**
 * Emits the one-line summary of a reload once the new process is up (and healthy), and a
 * recovery notice when it follows trouble. Without a health check only a fresh build counts
 * as recovered: a restarted crasher may well crash again.
 */
export function finishReload(d: Draft, healthy: boolean): void {
  const s = d.s;
  const r = s.reload;
  const troubled = s.troubled;
  if (troubled && !s.lastBuildFailed && (healthy || r)) {
    s.troubled = false;
    const body = healthy ? "healthy again" : "running again";
    d.effects.push({ type: "notify", kind: "recovered", title: "recovered", body });
  }
  if (!r) {
    // The very first server without a build has no reload, but is ready all the same.
    if (s.instanceSeq === 1) afterReady(d, [], s.buildSeq);
    // A restart after a crash, ready behind the proxy: the pages (showing the crash)
    // reload now. Each start is probed once, so this is once per restart.
    else if (troubled && s.settings.swap !== null) reloadBrowsers(d, []);
    return;
  }
  d.effects.push({
    type: "emit",
    event: { type: "reload.done", seq: r.seq, files: r.files, timing: r.timing, action: r.action },
  });
  s.reload = null;
  // A fresh process serves: a restart or a browser reload asked for meanwhile is done.
  s.pending = null;
  afterReady(d, r.paths, r.seq);
}

function afterReady(d: Draft, paths: string[], seq: number): void {
  const s = d.s;
  const hook = s.settings.hooks.after_ready;
  if (!hook) return;
  // One at a time: a newer swap's hook replaces one still running.
  for (const run of s.hooks) if (run.hook === "after_ready") cancelHook(d, run.id);
  runHook(d, "after_ready", hook, { files: paths, seq, pid: s.active?.pid });
}

/** Marks the end of a reload stage: the time since the stage began goes to `stage`. */
export function stageDone(d: Draft, stage: "build" | "stop" | "start" | "healthy"): void {
  const r = d.s.reload;
  if (!r) return;
  d.s.reload = { ...r, timing: { ...r.timing, [stage]: d.now - r.stageStart }, stageStart: d.now };
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

export function cancelBackoff(d: Draft): void {
  if (d.s.crash.backoffUntil === null) return;
  d.s.crash.backoffUntil = null;
  d.effects.push({ type: "cancelTimer", name: "backoff" });
}

/** Start the server again, building first when the last build failed or never ran. */
export function startOrBuild(d: Draft, reason: string): void {
  const s = d.s;
  if (s.build || s.active || s.candidate) return;
  if (!s.settings.hasBuild || (s.built && !s.lastBuildFailed)) {
    s.exited = null;
    if (!swapPending(s)) s.active = spawn(d);
  } else startBuild(d, reason, null, 0);
}

/** `css`: only live-reloaded stylesheets changed; pages swap them instead of reloading. */
export function reloadBrowsers(d: Draft, paths: string[], css = false): void {
  d.effects.push({
    type: "emit",
    event: css ? { type: "browser.reload", paths, css } : { type: "browser.reload", paths },
  });
  d.effects.push({ type: "reloadBrowsers", paths, css });
}
