/**
 * When may a service start? A pure state machine over what its dependencies did so far
 * (started, became healthy, exited): `gateStep(state, input) → { state, effects }`. A
 * condition once met stays met (as in docker compose: it orders the start, it does not
 * tie the lifetimes together). A waiting service says so once, and once more if it still
 * waits after REMIND_AFTER_MS.
 */
import type { Condition, Dependency } from "../config/services-schema.ts";
import { describeDependency, type ServiceGraph } from "./graph.ts";

export const REMIND_AFTER_MS = 30_000;

export interface GateState {
  /** The services this run starts, in start order. */
  readonly selected: readonly string[];
  readonly launched: ReadonlySet<string>;
  /** Conditions each service has met at least once. */
  readonly met: ReadonlyMap<string, ReadonlySet<Condition>>;
  /** Services that said they wait, and since when (monotonic ms). */
  readonly waitingSince: ReadonlyMap<string, number>;
  readonly reminded: ReadonlySet<string>;
  /** Dependencies that failed their completion, already reported (`api←migrate`). */
  readonly failuresSaid: ReadonlySet<string>;
}

export type GateInput =
  | { type: "begin"; now: number }
  | { type: "started"; service: string; now: number }
  | { type: "healthy"; service: string; now: number }
  | { type: "exited"; service: string; exitCode: number | null; requested: boolean; now: number }
  | { type: "tick"; now: number };

export type GateEffect =
  | { type: "launch"; service: string }
  | { type: "say"; service: string; level: "info" | "warn"; message: string }
  /** Ask for a `tick` at monotonic time `at` (for the reminder). */
  | { type: "wake"; at: number };

export function initialGate(selected: readonly string[]): GateState {
  return {
    selected,
    launched: new Set(),
    met: new Map(),
    waitingSince: new Map(),
    reminded: new Set(),
    failuresSaid: new Set(),
  };
}

function meets(state: GateState, dep: Dependency): boolean {
  return state.met.get(dep.service)?.has(dep.condition) ?? false;
}

function withMet(state: GateState, service: string, conditions: Condition[]): GateState {
  const met = new Map(state.met);
  met.set(service, new Set([...(met.get(service) ?? []), ...conditions]));
  return { ...state, met };
}

export function gateStep(
  graph: ServiceGraph,
  state: GateState,
  input: GateInput,
): { state: GateState; effects: GateEffect[] } {
  const effects: GateEffect[] = [];
  let s = state;
  switch (input.type) {
    case "started":
      s = withMet(s, input.service, ["started"]);
      break;
    case "healthy":
      s = withMet(s, input.service, ["started", "healthy"]);
      break;
    case "exited":
      if (!input.requested && input.exitCode === 0)
        s = withMet(s, input.service, ["started", "completed_successfully"]);
      else if (!input.requested) s = reportFailedCompletion(graph, s, input, effects);
      break;
    case "begin":
    case "tick":
      break;
  }
  s = launchReady(graph, s, input.now, effects);
  if (input.type === "tick") s = remind(graph, s, input.now, effects);
  return { state: s, effects };
}

function launchReady(
  graph: ServiceGraph,
  state: GateState,
  now: number,
  effects: GateEffect[],
): GateState {
  const launched = new Set(state.launched);
  const waitingSince = new Map(state.waitingSince);
  for (const name of state.selected) {
    if (launched.has(name)) continue;
    const deps = graph.dependenciesOf(name).filter((d) => state.selected.includes(d.service));
    const missing = deps.filter((d) => !meets(state, d));
    if (missing.length === 0) {
      launched.add(name);
      waitingSince.delete(name);
      effects.push({ type: "launch", service: name });
    } else if (!waitingSince.has(name)) {
      waitingSince.set(name, now);
      effects.push({
        type: "say",
        service: name,
        level: "info",
        message: `waiting for ${missing.map(describeDependency).join(", ")}`,
      });
      effects.push({ type: "wake", at: now + REMIND_AFTER_MS });
    }
  }
  return { ...state, launched, waitingSince };
}

function remind(
  graph: ServiceGraph,
  state: GateState,
  now: number,
  effects: GateEffect[],
): GateState {
  const reminded = new Set(state.reminded);
  for (const [name, since] of state.waitingSince) {
    if (reminded.has(name) || now - since < REMIND_AFTER_MS) continue;
    reminded.add(name);
    const missing = graph.dependenciesOf(name).filter((d) => !meets(state, d));
    effects.push({
      type: "say",
      service: name,
      level: "warn",
      message: `still waiting for ${missing.map(describeDependency).join(", ")} after ${Math.round((now - since) / 1000)}s`,
    });
  }
  return { ...state, reminded };
}

/** A one-shot dependency failed: each waiting dependent says so once. */
function reportFailedCompletion(
  graph: ServiceGraph,
  state: GateState,
  input: Extract<GateInput, { type: "exited" }>,
  effects: GateEffect[],
): GateState {
  const failuresSaid = new Set(state.failuresSaid);
  for (const dependent of graph.dependentsOf(input.service)) {
    const key = `${dependent}←${input.service}`;
    if (state.launched.has(dependent) || failuresSaid.has(key)) continue;
    if (!state.selected.includes(dependent)) continue;
    const dep = graph.dependenciesOf(dependent).find((d) => d.service === input.service);
    if (dep?.condition !== "completed_successfully" || meets(state, dep)) continue;
    failuresSaid.add(key);
    const how = input.exitCode === null ? "was killed" : `exited with code ${input.exitCode}`;
    effects.push({
      type: "say",
      service: dependent,
      level: "warn",
      message: `${input.service} ${how}; ${dependent} starts once it completes successfully (fix it and save, or press r)`,
    });
  }
  return { ...state, failuresSaid };
}
