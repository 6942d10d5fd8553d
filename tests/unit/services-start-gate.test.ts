import { describe, expect, test } from "bun:test";
import type { Dependency } from "../../src/config/services-schema.ts";
import { buildGraph, type ServiceGraph } from "../../src/services/graph.ts";
import {
  type GateEffect,
  type GateInput,
  type GateState,
  gateStep,
  initialGate,
  REMIND_AFTER_MS,
} from "../../src/services/start-gate.ts";

function stack(): ServiceGraph {
  const deps = (list: [string, Dependency["condition"]][]): Dependency[] =>
    list.map(([service, condition]) => ({ service, condition }));
  const result = buildGraph([
    { name: "db", dependsOn: [], hasHealthCheck: true },
    { name: "migrate", dependsOn: deps([["db", "healthy"]]), hasHealthCheck: false },
    {
      name: "api",
      dependsOn: deps([
        ["db", "healthy"],
        ["migrate", "completed_successfully"],
      ]),
      hasHealthCheck: true,
    },
    { name: "web", dependsOn: deps([["api", "started"]]), hasHealthCheck: false },
  ]);
  if (!result.ok) throw new Error("bad graph");
  return result.value;
}

/** Runs inputs in order; returns each step's effects, compactly. */
function run(graph: ServiceGraph, selected: string[], inputs: GateInput[]) {
  let state: GateState = initialGate(selected);
  const steps: string[][] = [];
  for (const input of inputs) {
    const result = gateStep(graph, state, input);
    state = result.state;
    steps.push(result.effects.map(show));
  }
  return { steps, state };
}

function show(effect: GateEffect): string {
  if (effect.type === "launch") return `launch ${effect.service}`;
  if (effect.type === "wake") return `wake ${effect.at}`;
  return `${effect.level} ${effect.service}: ${effect.message}`;
}

describe("start gate (fake clock)", () => {
  const graph = stack();
  const all = ["db", "migrate", "api", "web"];

  test("each service starts once its conditions are met, waiting said once", () => {
    const { steps } = run(graph, all, [
      { type: "begin", now: 0 },
      { type: "started", service: "db", now: 10 },
      { type: "healthy", service: "db", now: 20 },
      { type: "started", service: "migrate", now: 30 },
      { type: "exited", service: "migrate", exitCode: 0, requested: false, now: 40 },
      { type: "started", service: "api", now: 50 },
    ]);
    expect(steps).toEqual([
      [
        "launch db",
        "info migrate: waiting for db (healthy)",
        `wake ${REMIND_AFTER_MS}`,
        "info api: waiting for db (healthy), migrate (completed successfully)",
        `wake ${REMIND_AFTER_MS}`,
        "info web: waiting for api (started)",
        `wake ${REMIND_AFTER_MS}`,
      ],
      [],
      ["launch migrate"],
      [],
      ["launch api"],
      ["launch web"],
    ]);
  });

  test("a failed one-shot task keeps its dependents waiting and says so once", () => {
    const { steps } = run(graph, all, [
      { type: "begin", now: 0 },
      { type: "healthy", service: "db", now: 10 },
      { type: "exited", service: "migrate", exitCode: 1, requested: false, now: 20 },
      { type: "exited", service: "migrate", exitCode: 1, requested: false, now: 30 },
      { type: "exited", service: "migrate", exitCode: 0, requested: false, now: 40 },
    ]);
    expect(steps[2]).toEqual([
      "warn api: migrate exited with code 1; api starts once it completes successfully (fix it and save, or press r)",
    ]);
    expect(steps[3]).toEqual([]);
    expect(steps[4]).toEqual(["launch api"]);
  });

  test("a stop hotreload asked for completes nothing", () => {
    const { steps } = run(graph, all, [
      { type: "begin", now: 0 },
      { type: "healthy", service: "db", now: 10 },
      { type: "exited", service: "migrate", exitCode: 0, requested: true, now: 20 },
    ]);
    expect(steps[2]).toEqual([]);
  });

  test("started is not healthy", () => {
    const { steps } = run(
      graph,
      ["db", "migrate"],
      [
        { type: "begin", now: 0 },
        { type: "started", service: "db", now: 10 },
      ],
    );
    expect(steps[1]).toEqual([]);
  });

  test("a reminder after REMIND_AFTER_MS, once", () => {
    const { steps } = run(
      graph,
      ["db", "migrate"],
      [
        { type: "begin", now: 0 },
        { type: "tick", now: REMIND_AFTER_MS - 1 },
        { type: "tick", now: REMIND_AFTER_MS },
        { type: "tick", now: REMIND_AFTER_MS * 2 },
      ],
    );
    expect(steps[1]).toEqual([]);
    expect(steps[2]).toEqual(["warn migrate: still waiting for db (healthy) after 30s"]);
    expect(steps[3]).toEqual([]);
  });

  test("only selected services start; a dependency outside the selection does not hold one back", () => {
    const { steps } = run(graph, ["web"], [{ type: "begin", now: 0 }]);
    expect(steps[0]).toEqual(["launch web"]);
  });

  test("a met condition stays met when the dependency restarts", () => {
    const { steps, state } = run(
      graph,
      ["db", "migrate"],
      [
        { type: "begin", now: 0 },
        { type: "healthy", service: "db", now: 10 },
        { type: "exited", service: "db", exitCode: 1, requested: false, now: 20 },
      ],
    );
    expect(steps[1]).toEqual(["launch migrate"]);
    expect(state.launched.has("migrate")).toBe(true);
  });
});
