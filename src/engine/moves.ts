/**
 * The engine's shared moves: start or cancel a build, start, stop, drain or promote an
 * instance, route the proxy, schedule a backoff, finish a reload. The input handlers
 * (on-*.ts) call these and never each other; this module calls nothing above it.
 * Instances and the retiring list are replaced, never mutated: step() copies the state
 * shallowly and the previous state must stay intact.
 */
import { cancelHook, runHook } from "./hook-moves.ts";
import type { Draft, EngineState, Instance, StopReason } from "./types.ts";

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

/** A stop-first swap or restart is under way (draining or stopping): its exit starts the next instance. */
export function swapPending(s: EngineState): boolean {
  return s.retiring.some((i) => i.stopReason === "swap" || i.stopReason === "restart");
}

/**
 * Run the newest build. With the proxy's overlap swap and a live active instance, start a
 * candidate beside it; otherwise stop the active one first (its exit starts the next).
 */
export function deploy(d: Draft, reason: "swap" | "restart"): void {
  const s = d.s;
  s.exited = null;
  if (s.settings.swap === "overlap" && s.active?.status === "running") {
    if (s.candidate) stopInstance(d, s.candidate, "superseded");
    s.candidate = spawn(d);
    return;
  }
  if (s.candidate) stopInstance(d, s.candidate, "superseded");
  if (s.active?.status === "running" && s.settings.swap === "stop_first") {
    // Behind the proxy, new requests wait from now on; what the old one serves finishes
    // before it is stopped, so no request is cut by the swap.
    retire(d, s.active, reason);
    return;
  }
  if (s.active) {
    stopInstance(d, s.active, reason);
    return;
  }
  if (!swapPending(s)) s.active = spawn(d);
}

/**
 * Take a running instance out of the routing and let it drain; once `drained`, it is
 * stopped for `then` (retire after an overlap swap; swap or restart for stop-first).
 */
function retire(d: Draft, instance: Instance, then: StopReason): void {
  const s = d.s;
  detach(s, instance.id);
  if (s.routed === instance.id) route(d, null);
  s.retiring = [...s.retiring, { ...instance, status: "draining", stopReason: then, since: d.now }];
  d.effects.push({ type: "cancelHealth", id: instance.id });
  if (instance.pid !== null)
    d.effects.push({ type: "emit", event: { type: "process.draining", pid: instance.pid } });
  d.effects.push({ type: "drain", id: instance.id });
}

/** Start a new instance of the last good build (the caller puts it in its slot). */
export function spawn(d: Draft): Instance {
  const s = d.s;
  const id = ++s.instanceSeq;
  d.effects.push({
    type: "emit",
    event: { type: "process.starting", command: s.settings.execCommand },
  });
  d.effects.push({ type: "startChild", id });
  return {
    id,
    status: "spawning",
    pid: null,
    startedAt: d.now,
    fingerprint: s.built?.fingerprint ?? null,
    health: "pending",
    stopReason: null,
    since: d.now,
  };
}

/** Take an instance out of its slot into the retiring list, and ask it to stop. */
export function stopInstance(d: Draft, instance: Instance, reason: StopReason): void {
  const s = d.s;
  detach(s, instance.id);
  if (instance.status === "stopping") {
    s.retiring = [...s.retiring, instance];
    return;
  }
  const stopping: Instance = { ...instance, status: "stopping", stopReason: reason, since: d.now };
  s.retiring = [...s.retiring, stopping];
  if (s.routed === instance.id) route(d, null);
  d.effects.push({ type: "cancelHealth", id: instance.id });
  if (instance.pid !== null)
    d.effects.push({
      type: "emit",
      event: { type: "process.stopping", pid: instance.pid, signal: s.settings.stopSignal },
    });
  d.effects.push({ type: "stopChild", id: instance.id, reason });
}

/** Stop everything that runs (quit, stop): the slots and the draining instances. */
export function stopAll(d: Draft, reason: StopReason): void {
  const s = d.s;
  for (const instance of [s.candidate, s.active, ...s.retiring]) {
    if (instance && instance.status !== "stopping") stopInstance(d, instance, reason);
  }
  route(d, null);
}

/**
 * The candidate is ready: new requests go to it at once, the old active instance drains
 * (it is stopped when drained), and the candidate becomes the active one.
 */
export function promote(d: Draft, candidate: Instance): void {
  const s = d.s;
  const old = s.active;
  s.candidate = null;
  s.active = candidate;
  route(d, candidate.id);
  if (old) {
    if (old.status === "running" && old.pid !== null) retire(d, old, "retire");
    else stopInstance(d, old, "retire");
  }
}

export function route(d: Draft, id: number | null): void {
  const s = d.s;
  if (s.settings.swap === null || s.routed === id) return;
  s.routed = id;
  d.effects.push({ type: "route", id });
}

/** Removes an instance from whichever slot holds it. */
export function detach(s: EngineState, id: number): void {
  if (s.active?.id === id) s.active = null;
  if (s.candidate?.id === id) s.candidate = null;
  if (s.retiring.some((i) => i.id === id)) s.retiring = s.retiring.filter((i) => i.id !== id);
}

export function findInstance(
  s: EngineState,
  id: number,
): { instance: Instance; slot: "active" | "candidate" | "retiring" } | null {
  if (s.active?.id === id) return { instance: s.active, slot: "active" };
  if (s.candidate?.id === id) return { instance: s.candidate, slot: "candidate" };
  const retiring = s.retiring.find((i) => i.id === id);
  return retiring ? { instance: retiring, slot: "retiring" } : null;
}

/** Replaces an instance in its slot with an updated copy. */
export function update(s: EngineState, next: Instance): void {
  if (s.active?.id === next.id) s.active = next;
  else if (s.candidate?.id === next.id) s.candidate = next;
  else s.retiring = s.retiring.map((i) => (i.id === next.id ? next : i));
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
