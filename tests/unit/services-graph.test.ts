import { describe, expect, test } from "bun:test";
import type { Dependency } from "../../src/config/services-schema.ts";
import {
  buildGraph,
  formatStartGraph,
  type GraphNode,
  type ServiceGraph,
  selectServices,
} from "../../src/services/graph.ts";

const started = (...names: string[]): Dependency[] =>
  names.map((service) => ({ service, condition: "started" }));

function node(name: string, deps: Dependency[] = [], hasHealthCheck = true): GraphNode {
  return { name, dependsOn: deps, hasHealthCheck };
}

function graphOf(nodes: GraphNode[]): ServiceGraph {
  const result = buildGraph(nodes);
  if (!result.ok) throw new Error(result.problems.map((p) => p.message).join("; "));
  return result.value;
}

describe("start and stop order", () => {
  const cases: { name: string; nodes: GraphNode[]; start: string[] }[] = [
    { name: "no dependencies keep config order", nodes: [node("a"), node("b")], start: ["a", "b"] },
    {
      name: "a dependency starts first",
      nodes: [node("api", started("db")), node("db")],
      start: ["db", "api"],
    },
    {
      name: "a chain",
      nodes: [node("web", started("api")), node("api", started("db")), node("db")],
      start: ["db", "api", "web"],
    },
    {
      name: "a diamond: shared dependency once, ties in config order",
      nodes: [
        node("web", started("api", "worker")),
        node("worker", started("db")),
        node("api", started("db")),
        node("db"),
      ],
      start: ["db", "worker", "api", "web"],
    },
    {
      name: "independent services stay in place around a chain",
      nodes: [node("docs"), node("api", started("db")), node("db"), node("lint")],
      start: ["docs", "db", "api", "lint"],
    },
  ];
  for (const c of cases)
    test(c.name, () => {
      const graph = graphOf(c.nodes);
      expect(graph.startOrder).toEqual(c.start);
      expect(graph.stopOrder).toEqual([...c.start].reverse());
    });

  test("dependents are known", () => {
    const graph = graphOf([node("api", started("db")), node("worker", started("db")), node("db")]);
    expect(graph.dependentsOf("db")).toEqual(["api", "worker"]);
    expect(graph.dependentsOf("api")).toEqual([]);
  });
});

describe("problems", () => {
  test("a cycle is named in full", () => {
    const result = buildGraph([node("api", started("worker")), node("worker", started("api"))]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems[0]?.message).toContain("api → worker → api");
    expect(result.problems[0]?.path).toEqual(["services", "api", "depends_on"]);
  });

  test("a longer cycle behind a service outside it", () => {
    const result = buildGraph([
      node("web", started("a")),
      node("a", started("b")),
      node("b", started("c")),
      node("c", started("a")),
    ]);
    expect(result.ok ? "" : result.problems[0]?.message).toContain("a → b → c → a");
  });

  test("an unknown name has its key path and a did-you-mean", () => {
    const result = buildGraph([node("api", started("dbb")), node("db")]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems[0]?.path).toEqual(["services", "api", "depends_on", "dbb"]);
    expect(result.problems[0]?.message).toContain("unknown service `dbb`");
    expect(result.problems[0]?.hint).toBe("Did you mean `db`?");
  });

  test("depending on itself", () => {
    const result = buildGraph([node("api", started("api"))]);
    expect(result.ok ? "" : result.problems[0]?.message).toContain("depends on itself");
  });

  test("healthy needs a health check on the dependency", () => {
    const result = buildGraph([
      node("api", [{ service: "db", condition: "healthy" }]),
      node("db", [], false),
    ]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems[0]?.path).toEqual(["services", "api", "depends_on", "db", "condition"]);
    expect(result.problems[0]?.hint).toContain("health_check");
  });
});

describe("selecting services", () => {
  const graph = graphOf([
    node("web", started("api")),
    node("api", started("db")),
    node("worker", started("db")),
    node("db"),
    node("docs"),
  ]);
  test("nothing named: all, in start order", () => {
    expect(selectServices(graph, [])).toEqual({ ok: true, value: graph.startOrder as string[] });
  });
  test("named services bring their dependencies", () => {
    expect(selectServices(graph, ["web"])).toEqual({ ok: true, value: ["db", "api", "web"] });
    expect(selectServices(graph, ["worker", "docs"])).toEqual({
      ok: true,
      value: ["worker", "db", "docs"].sort(
        (a, b) => graph.startOrder.indexOf(a) - graph.startOrder.indexOf(b),
      ),
    });
  });
  test("an unknown name with a guess", () => {
    expect(selectServices(graph, ["wokrer"])).toEqual({
      ok: false,
      unknown: "wokrer",
      guess: "worker",
    });
  });
});

test("the start graph as text", () => {
  const graph = graphOf([
    node("api", [
      { service: "db", condition: "healthy" },
      { service: "migrate", condition: "completed_successfully" },
    ]),
    node("migrate", started("db")),
    node("db"),
  ]);
  expect(formatStartGraph(graph)).toEqual([
    "1. db",
    "2. migrate ← after db (started)",
    "3. api ← after db (healthy), migrate (completed successfully)",
  ]);
});
