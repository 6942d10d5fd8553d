/**
 * The engine's moves on instances: spawn one, stop it, let it drain, promote a candidate,
 * route the proxy, and find or replace an instance in its slot. The lowest layer of the
 * engine's moves (moves.ts builds on it); it imports nothing but the vocabulary.
 * Instances and the retiring list are replaced, never mutated: step() copies the state
 * shallowly and the previous state must stay intact.
 */
import type { Draft, EngineState, Instance, StopReason } from "./types.ts";

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
