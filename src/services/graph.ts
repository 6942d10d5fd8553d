/**
 * The service graph: who depends on whom, checked once (unknown names, cycles), and the
 * orders that follow from it. Pure: names in, orders and problems out. The graph only
 * orders and routes; each service runs its own engine.
 */
import { didYouMean } from "../config/did-you-mean.ts";
import type { Problem } from "../config/schema-dsl.ts";
import type { Condition, Dependency } from "../config/services-schema.ts";

export interface GraphNode {
  readonly name: string;
  readonly dependsOn: readonly Dependency[];
  /** The service has a health check, so `condition: healthy` can be met. */
  readonly hasHealthCheck: boolean;
}

export interface ServiceGraph {
  /** Names in config order. */
  readonly names: readonly string[];
  dependenciesOf(name: string): readonly Dependency[];
  /** Services that name `name` in their depends_on, in config order. */
  dependentsOf(name: string): readonly string[];
  /** Every service before the ones that depend on it; ties keep config order. */
  readonly startOrder: readonly string[];
  /** The start order reversed: dependents stop before what they depend on. */
  readonly stopOrder: readonly string[];
}

export type GraphResult = { ok: true; value: ServiceGraph } | { ok: false; problems: Problem[] };

const depPath = (name: string, dep?: string) => [
  "services",
  name,
  "depends_on",
  ...(dep ? [dep] : []),
];

export function buildGraph(nodes: readonly GraphNode[]): GraphResult {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const names = nodes.map((n) => n.name);
  const problems: Problem[] = [];
  for (const node of nodes) {
    for (const dep of node.dependsOn) {
      const target = byName.get(dep.service);
      if (dep.service === node.name) {
        problems.push({
          path: depPath(node.name, dep.service),
          message: `\`services.${node.name}\` depends on itself`,
          hint: "Remove it from its own depends_on.",
        });
      } else if (!target) {
        const guess = didYouMean(
          dep.service,
          names.filter((n) => n !== node.name),
        );
        problems.push({
          path: depPath(node.name, dep.service),
          message: `\`services.${node.name}.depends_on\` names the unknown service \`${dep.service}\``,
          hint: guess ? `Did you mean \`${guess}\`?` : `The services are: ${names.join(", ")}.`,
        });
      } else if (dep.condition === "healthy" && !target.hasHealthCheck) {
        problems.push({
          path: [...depPath(node.name, dep.service), "condition"],
          message: `\`services.${node.name}\` waits for \`${dep.service}\` to be healthy, but \`services.${dep.service}\` has no health check`,
          hint: `Give \`services.${dep.service}\` a \`health_check\` (enabled, url), or use \`condition: started\`.`,
        });
      }
    }
  }
  if (problems.length > 0) return { ok: false, problems };

  const cycle = findCycle(nodes, byName);
  if (cycle)
    return {
      ok: false,
      problems: [
        {
          path: depPath(cycle[0] as string),
          message: `The services depend on each other in a cycle: ${cycle.join(" → ")}`,
          hint: "Remove one of these depends_on entries; a cycle has no service that can start first.",
        },
      ],
    };

  const startOrder = topologicalOrder(nodes, byName);
  const dependents = new Map<string, string[]>(names.map((n) => [n, []]));
  for (const node of nodes)
    for (const dep of node.dependsOn) dependents.get(dep.service)?.push(node.name);
  return {
    ok: true,
    value: {
      names,
      dependenciesOf: (name) => byName.get(name)?.dependsOn ?? [],
      dependentsOf: (name) => dependents.get(name) ?? [],
      startOrder,
      stopOrder: [...startOrder].reverse(),
    },
  };
}

/** The first cycle met walking in config order, closed: `[api, worker, api]`. */
function findCycle(nodes: readonly GraphNode[], byName: Map<string, GraphNode>): string[] | null {
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (name: string): string[] | null => {
    const seen = state.get(name);
    if (seen === "done") return null;
    if (seen === "visiting") return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, "visiting");
    stack.push(name);
    for (const dep of byName.get(name)?.dependsOn ?? []) {
      const found = visit(dep.service);
      if (found) return found;
    }
    stack.pop();
    state.set(name, "done");
    return null;
  };
  for (const node of nodes) {
    const found = visit(node.name);
    if (found) return found;
  }
  return null;
}

/** Kahn's algorithm, always taking the first ready service in config order. */
function topologicalOrder(nodes: readonly GraphNode[], byName: Map<string, GraphNode>): string[] {
  const placed = new Set<string>();
  const order: string[] = [];
  while (order.length < nodes.length) {
    const next = nodes.find(
      (n) =>
        !placed.has(n.name) &&
        n.dependsOn.every((d) => placed.has(d.service) || !byName.has(d.service)),
    );
    if (!next) break; // unreachable after findCycle
    placed.add(next.name);
    order.push(next.name);
  }
  return order;
}

/**
 * The services to run for `hotreload api worker`: those named and everything they depend
 * on, in start order. Unknown names come back as `unknown` (with a did-you-mean).
 */
export function selectServices(
  graph: ServiceGraph,
  wanted: readonly string[],
): { ok: true; value: string[] } | { ok: false; unknown: string; guess: string | undefined } {
  if (wanted.length === 0) return { ok: true, value: [...graph.startOrder] };
  const chosen = new Set<string>();
  const add = (name: string) => {
    if (chosen.has(name)) return;
    chosen.add(name);
    for (const dep of graph.dependenciesOf(name)) add(dep.service);
  };
  for (const name of wanted) {
    if (!graph.names.includes(name))
      return { ok: false, unknown: name, guess: didYouMean(name, graph.names) };
    add(name);
  }
  return { ok: true, value: graph.startOrder.filter((n) => chosen.has(n)) };
}

/** How a dependency reads in messages: `db (healthy)`. */
export function describeDependency(dep: Dependency): string {
  return `${dep.service} (${CONDITION_WORDS[dep.condition]})`;
}

const CONDITION_WORDS: Record<Condition, string> = {
  started: "started",
  healthy: "healthy",
  completed_successfully: "completed successfully",
};

/** The start graph as text for `hotreload check`: one line per service, in start order. */
export function formatStartGraph(graph: ServiceGraph): string[] {
  return graph.startOrder.map((name, i) => {
    const deps = graph.dependenciesOf(name);
    const after = deps.length > 0 ? ` ← after ${deps.map(describeDependency).join(", ")}` : "";
    return `${i + 1}. ${name}${after}`;
  });
}
