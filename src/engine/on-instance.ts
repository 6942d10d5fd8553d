/** What happens to a server instance: it started, answered its probe (or not), drained, exited. */

import { runHook } from "./hook-moves.ts";
import {
  buildOrRestart,
  detach,
  exitIfDone,
  findInstance,
  finishReload,
  promote,
  route,
  scheduleBackoff,
  spawn,
  stageDone,
  stopInstance,
  swapPending,
  update,
} from "./moves.ts";
import { settlePending } from "./outcomes.ts";
import type { Draft, EngineInput, EngineSettings, Instance } from "./types.ts";

type Input<T extends EngineInput["type"]> = Extract<EngineInput, { type: T }>;

export function onChildStarted(d: Draft, input: Input<"childStarted">): void {
  const s = d.s;
  const found = findInstance(s, input.id);
  if (!found || found.instance.pid !== null) return;
  if (found.slot === "retiring") {
    // Stopped before its pid was known: remember the pid so its exit is recognised.
    update(s, { ...found.instance, pid: input.pid });
    return;
  }
  const running: Instance = {
    ...found.instance,
    status: "running",
    pid: input.pid,
    startedAt: d.now,
  };
  update(s, running);
  d.effects.push({ type: "emit", event: { type: "process.started", pid: input.pid } });
  stageDone(d, "start");
  // Behind the proxy an instance is ready once it answers (its port, or the health check).
  if (s.settings.hasHealthCheck || s.settings.swap !== null)
    d.effects.push({ type: "probeHealth", id: input.id });
  else finishReload(d, false);
}

export function onHealth(d: Draft, input: Input<"health">): void {
  const s = d.s;
  const found = findInstance(s, input.id);
  if (!found || found.slot === "retiring" || found.instance.status !== "running") return;
  const { instance, slot } = found;
  const pid = instance.pid ?? 0;
  if (input.ok) {
    update(s, { ...instance, health: "ok" });
    if (s.settings.hasHealthCheck) {
      d.effects.push({
        type: "emit",
        event: {
          type: "health.ok",
          pid,
          attempts: input.attempts,
          ms: input.ms,
          status: input.status,
        },
      });
      stageDone(d, "healthy");
    }
    if (slot === "candidate") promote(d, { ...instance, health: "ok" });
    else route(d, instance.id);
    finishReload(d, s.settings.hasHealthCheck);
    return;
  }
  if (slot === "candidate") {
    d.effects.push({
      type: "emit",
      event: { type: "health.failed", pid, attempts: input.attempts, error: input.error },
    });
    stopInstance(d, instance, "failed");
    swapFailed(d, `it did not become ready: ${input.error}`);
    return;
  }
  update(s, { ...instance, health: "failed" });
  // The only instance: better a struggling server than none behind the proxy.
  route(d, instance.id);
  s.troubled = true;
  d.effects.push({
    type: "emit",
    event: { type: "health.failed", pid, attempts: input.attempts, error: input.error },
  });
  // The reload's summary line all the same, saying how it ended.
  const r = s.reload;
  if (r)
    d.effects.push({
      type: "emit",
      event: {
        type: "reload.done",
        seq: r.seq,
        files: r.files,
        timing: r.timing,
        unhealthy: input.error,
      },
    });
  s.reload = null;
  d.effects.push({ type: "notify", kind: "unhealthy", title: "unhealthy", body: input.error });
}

export function onDrained(d: Draft, input: Input<"drained">): void {
  const found = findInstance(d.s, input.id);
  if (found?.slot === "retiring" && found.instance.status === "draining")
    stopInstance(d, found.instance, found.instance.stopReason ?? "retire");
}

export function onChildExited(d: Draft, input: Input<"childExited">): void {
  const s = d.s;
  const found = findInstance(s, input.id);
  if (!found) return;
  const { instance, slot } = found;
  const requested = instance.status === "stopping";
  const uptimeMs = instance.status === "spawning" ? 0 : d.now - instance.startedAt;
  detach(s, instance.id);
  d.effects.push({
    type: "emit",
    event: {
      type: "process.exited",
      pid: instance.pid ?? 0,
      exitCode: input.exitCode,
      signal: input.signal,
      requested,
      uptimeMs,
    },
  });
  if (requested) {
    afterRequestedExit(d, instance);
    return;
  }
  d.effects.push({ type: "cancelHealth", id: instance.id });
  if (slot === "candidate") {
    swapFailed(d, `it exited before it was ready (${exitText(input)})`);
    return;
  }
  if (slot === "retiring") {
    // A draining instance that ended on its own: as if its stop had come.
    afterRequestedExit(d, instance);
    return;
  }
  if (s.routed === instance.id) route(d, null);
  activeExited(d, input, uptimeMs, instance.pid);
}

function afterRequestedExit(d: Draft, instance: Instance): void {
  const s = d.s;
  if (s.quitting) {
    exitIfDone(d);
    return;
  }
  if (instance.stopReason !== "swap" && instance.stopReason !== "restart") return;
  stageDone(d, "stop");
  if (s.active || s.candidate || swapPending(s) || s.halted) return;
  const queued = s.rebuildQueued;
  if (queued) buildOrRestart(d, queued.reason, null, queued.files, queued.paths);
  else s.active = spawn(d);
}

/** The serving instance exited on its own: a crash, or a clean exit the policy may accept. */
function activeExited(
  d: Draft,
  input: { exitCode: number | null; signal: string | null },
  uptimeMs: number,
  pid: number | null,
): void {
  const s = d.s;
  if (!s.candidate) s.reload = null; // a reload under way belongs to the candidate
  if (s.quitting) {
    exitIfDone(d);
    return;
  }
  const clean = input.exitCode === 0 && input.signal === null;
  const policy = s.settings.restart;
  if (!clean) {
    if (uptimeMs >= s.settings.resetAfterMs) s.crash.attempts = 0;
    s.crash.attempts += 1;
    s.crash.exitCode = input.exitCode;
    s.troubled = true;
    const onCrash = s.settings.hooks.on_crash;
    if (onCrash) runHook(d, "on_crash", onCrash, { pid, exitCode: input.exitCode });
    // Once per crash streak: the streak ends when attempts reset (uptime >= reset_after, or a
    // fresh build from a real change), so the next crash notifies again.
    if (s.crash.attempts === 1)
      d.effects.push({
        type: "notify",
        kind: "crash-loop",
        title: "server crashed",
        body:
          policy === "never"
            ? `${exitText(input)} — waiting for a change (restart: never)`
            : `${exitText(input)} — restarting with backoff (${backoffText(s.settings)})`,
      });
  }
  if (policy === "never" || (clean && policy === "on_failure")) {
    s.exited = { exitCode: input.exitCode, signal: input.signal };
    return;
  }
  if (clean) {
    if (uptimeMs >= s.settings.resetAfterMs) s.crash.attempts = 0;
    s.crash.attempts += 1;
    s.crash.exitCode = 0;
  }
  // A candidate or a build under way will start the next process; a failed last build
  // keeps the old binary, which the backoff restarts.
  if (s.candidate || s.build) return;
  if (s.settings.hasBuild && !s.built) return;
  scheduleBackoff(d);
}

/** A candidate never became ready: the old instance (if any) keeps serving. */
function swapFailed(d: Draft, reason: string): void {
  const s = d.s;
  s.troubled = true;
  s.reload = null;
  d.effects.push({
    type: "emit",
    event: { type: "swap.failed", reason, previousServing: s.active !== null },
  });
  settlePending(d, "swap failed");
  d.effects.push({
    type: "notify",
    kind: "build-failed",
    title: "new version failed to start",
    body: s.active ? `${reason}; the previous server keeps serving` : reason,
  });
  if (s.active || s.quitting) {
    exitIfDone(d);
    return;
  }
  // The old one is gone too (it crashed meanwhile): retry with the crash backoff.
  s.crash.attempts += 1;
  scheduleBackoff(d);
}

function exitText(input: { exitCode: number | null; signal: string | null }): string {
  if (input.signal) return `killed by ${input.signal}`;
  return input.exitCode === null ? "exited" : `exit ${input.exitCode}`;
}

const seconds = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`);

/** The backoff schedule in short: "1s, 2s, 4s … 32s" (the same doubling as scheduleBackoff). */
function backoffText(settings: Pick<EngineSettings, "backoffInitialMs" | "backoffMaxMs">): string {
  const { backoffInitialMs: first, backoffMaxMs: max } = settings;
  const delays: number[] = [];
  for (let ms = first; delays.length < 3 && ms < max; ms = Math.max(1, ms) * 2) delays.push(ms);
  if (delays.length < 3) return [...delays, max].map(seconds).join(", ");
  return `${delays.map(seconds).join(", ")} … ${seconds(max)}`;
}
