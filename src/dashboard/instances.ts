/**
 * Which server the header names. Without the proxy the old server exits before the new one
 * starts, so there is one at a time. Behind the proxy a candidate starts while the active
 * one still serves: the header keeps naming the one that serves (and its health) and shows
 * the candidate beside it, until the old one drains or exits (the candidate took over) or
 * the candidate exits (the swap failed and the old one serves on). Pure.
 */
export interface Instance {
  pid: number;
  startedAt: number;
}

export type Health =
  | { status: "none" }
  | { status: "checking"; pid: number }
  | { status: "ok"; pid: number; attempts: number; ms: number }
  | { status: "failed"; pid: number; attempts: number; error: string };

export interface Instances {
  /** The server that serves (or the only one). */
  process: Instance | null;
  /** A newer server, started while `process` still serves (behind the proxy). */
  candidate: Instance | null;
  /** Health of the newest server: the candidate's while there is one. */
  health: Health;
  /** The serving server's health while a candidate is checked, restored if the swap fails. */
  servingHealth: Health | null;
}

export const noInstances: Instances = {
  process: null,
  candidate: null,
  health: { status: "none" },
  servingHealth: null,
};

export function instanceStarted(s: Instances, started: Instance, healthCheck: boolean): Instances {
  const health: Health = healthCheck
    ? { status: "checking", pid: started.pid }
    : { status: "none" };
  if (s.process === null) return { ...s, process: started, candidate: null, health };
  return { ...s, candidate: started, health, servingHealth: s.health };
}

/** The serving server drains: the candidate has taken the traffic. */
export function instanceDraining(s: Instances, pid: number): Instances {
  if (s.process?.pid !== pid || s.candidate === null) return s;
  return { ...s, process: s.candidate, candidate: null, servingHealth: null };
}

export function instanceExited(s: Instances, pid: number): Instances {
  if (s.candidate?.pid === pid) {
    return {
      ...s,
      candidate: null,
      health: s.servingHealth ?? { status: "none" },
      servingHealth: null,
    };
  }
  if (s.process?.pid !== pid) return s;
  if (s.candidate !== null) {
    return { ...s, process: s.candidate, candidate: null, servingHealth: null };
  }
  return { ...s, process: null, health: { status: "none" }, servingHealth: null };
}

/** When the server `pid` started, whichever of the two it is. */
export function startedAt(s: Instances, pid: number): number | undefined {
  if (s.process?.pid === pid) return s.process.startedAt;
  if (s.candidate?.pid === pid) return s.candidate.startedAt;
  return undefined;
}
