/** Transitions around the server process: start, stop, exit (requested or a crash), health. */

import { scheduleBackoff, startBuild } from "./build-steps.ts";
import { type Draft, finishReload } from "./step.ts";
import type { EngineInput, StopReason } from "./types.ts";

export function startChild(d: Draft): void {
  const s = d.s;
  s.child = { status: "spawning", since: d.now, fingerprint: s.built?.fingerprint ?? null };
  d.effects.push({
    type: "emit",
    event: { type: "process.starting", command: s.settings.execCommand },
  });
  d.effects.push({ type: "startChild" });
}

export function stopChild(d: Draft, reason: StopReason): void {
  const s = d.s;
  if (s.child?.status !== "running") return;
  const { pid, startedAt, fingerprint } = s.child;
  s.child = { status: "stopping", pid, startedAt, fingerprint, reason, since: d.now };
  d.effects.push({ type: "cancelHealth", pid });
  d.effects.push({
    type: "emit",
    event: { type: "process.stopping", pid, signal: s.settings.stopSignal },
  });
  d.effects.push({ type: "stopChild", pid, reason });
}

export function onChildExited(
  d: Draft,
  input: Extract<EngineInput, { type: "childExited" }>,
): void {
  const s = d.s;
  const child = s.child;
  if (!child || child.status === "spawning" || child.pid !== input.pid) {
    if (child?.status === "spawning") crash(d, input, 0); // failed to spawn at all
    return;
  }
  const uptimeMs = d.now - child.startedAt;
  const requested = child.status === "stopping";
  d.effects.push({
    type: "emit",
    event: {
      type: "process.exited",
      pid: input.pid,
      exitCode: input.exitCode,
      signal: input.signal,
      requested,
      uptimeMs,
    },
  });
  s.child = null;
  if (!requested) {
    d.effects.push({ type: "cancelHealth", pid: input.pid });
    crash(d, input, uptimeMs);
    return;
  }
  if (s.reload) {
    s.reload.timing.stop = d.now - child.since;
    s.reload.stageStart = d.now;
  }
  switch (child.reason) {
    case "quit":
      d.effects.push({ type: "exit", code: 0 });
      return;
    case "stop":
      return;
    case "restart":
      startChild(d);
      return;
    case "swap":
      if (s.rebuildQueued) startBuild(d, s.rebuildQueued.reason, null, s.rebuildQueued.files);
      else startChild(d);
  }
}

function crash(
  d: Draft,
  input: { exitCode: number | null; signal: string | null },
  uptimeMs: number,
): void {
  const s = d.s;
  s.child = null;
  s.reload = null;
  if (s.quitting) {
    d.effects.push({ type: "exit", code: 0 });
    return;
  }
  if (uptimeMs >= s.settings.resetAfterMs) s.crash.attempts = 0;
  s.crash.attempts += 1;
  s.crash.exitCode = input.exitCode;
  s.troubled = true;
  // Once per crash streak: the streak ends when attempts reset (uptime >= reset_after, or a
  // fresh build from a real change), so the next crash notifies again.
  if (s.crash.attempts === 1)
    d.effects.push({
      type: "notify",
      kind: "crash-loop",
      title: "server crashed",
      body: `${exitText(input)} — restarting with backoff (${backoffText(s.settings)})`,
    });
  // A build under way will start the new process; a failed last build keeps the old binary.
  if (s.build) return;
  if (s.settings.hasBuild && !s.built) return;
  scheduleBackoff(d);
}

export function onHealth(d: Draft, input: Extract<EngineInput, { type: "health" }>): void {
  const s = d.s;
  if (s.child?.status !== "running" || s.child.pid !== input.pid) return;
  if (input.ok) {
    s.child = { ...s.child, health: "ok" };
    d.effects.push({
      type: "emit",
      event: {
        type: "health.ok",
        pid: input.pid,
        attempts: input.attempts,
        ms: input.ms,
        status: input.status,
      },
    });
    if (s.reload) s.reload.timing.healthy = d.now - s.reload.stageStart;
    finishReload(d, true);
    return;
  }
  s.child = { ...s.child, health: "failed" };
  s.troubled = true;
  s.reload = null;
  d.effects.push({
    type: "emit",
    event: { type: "health.failed", pid: input.pid, attempts: input.attempts, error: input.error },
  });
  d.effects.push({
    type: "notify",
    kind: "unhealthy",
    title: "unhealthy",
    body: input.error,
  });
}

function exitText(input: { exitCode: number | null; signal: string | null }): string {
  if (input.signal) return `killed by ${input.signal}`;
  return input.exitCode === null ? "exited" : `exit ${input.exitCode}`;
}

const seconds = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`);

/** The backoff schedule in short: "1s, 2s, 4s … 32s" (the same doubling as scheduleBackoff). */
function backoffText(settings: { backoffInitialMs: number; backoffMaxMs: number }): string {
  const { backoffInitialMs: first, backoffMaxMs: max } = settings;
  const delays: number[] = [];
  for (let ms = first; delays.length < 3 && ms < max; ms *= 2) delays.push(ms);
  if (delays.length < 3) return [...delays, max].map(seconds).join(", ");
  return `${delays.map(seconds).join(", ")} … ${seconds(max)}`;
}
