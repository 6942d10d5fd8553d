/**
 * `services:` in the schema language: a map of service names to the per-service keys (every
 * top-level key but the ones that belong to the whole run: one watcher, one dashboard, one
 * terminal), plus `depends_on` and `restart_dependents`. Top-level keys are the defaults of
 * every service; the merging happens in services/resolve.ts.
 */
import {
  boolean,
  type Check,
  expected,
  type Infer,
  integer,
  keyPath,
  type LeafNode,
  type ObjectNode,
  type Problem,
  type Shape,
} from "./schema-dsl.ts";
import { object } from "./schema-object.ts";

/** Keys of the whole run, never of one service: the watcher, the terminal, the dashboard. */
export const RUN_WIDE_KEYS = [
  "debounce",
  "debounce_max",
  "poll",
  "follow_symlinks",
  "clear",
  "timestamps",
  "keys",
  "notifications",
  "dashboard",
  "max_parallel_builds",
  "services",
] as const;

export const SERVICE_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const SERVICE_NAME_HINT =
  "Service names are lower-case letters, digits, `-` and `_`, starting with a letter or digit (`api`, `db-migrate`).";

export const CONDITIONS = ["started", "healthy", "completed_successfully"] as const;
export type Condition = (typeof CONDITIONS)[number];

export interface Dependency {
  readonly service: string;
  readonly condition: Condition;
}

function conditionOf(raw: unknown, path: string[]): Check<Condition> {
  const text = typeof raw === "string" ? raw.trim().toLowerCase() : raw;
  const found = CONDITIONS.find((c) => c === text);
  return found
    ? { ok: true, value: found }
    : expected(
        path,
        `one of ${CONDITIONS.map((c) => `\`${c}\``).join(", ")}`,
        raw,
        "`started`: once its process runs; `healthy`: once its health check passes; `completed_successfully`: once it exited with code 0 (a one-shot task such as a migration).",
      );
}

/** `depends_on: [db, cache]` (condition started) or `depends_on: {db: {condition: healthy}}`. */
export function dependsOn(): LeafNode<readonly Dependency[]> {
  const nameError = (path: string[], raw: unknown) =>
    expected<readonly Dependency[]>(path, "a service name", raw, SERVICE_NAME_HINT);
  return {
    kind: "leaf",
    typeName: "name[] | {name: {condition}}",
    description:
      "Services this one starts after: a list of names (each `started`), or a map of name to `{condition: started | healthy | completed_successfully}`. Stopped in reverse order.",
    default: [],
    example: { db: { condition: "healthy" }, migrate: { condition: "completed_successfully" } },
    check(raw, path) {
      if (raw === null || raw === undefined) return { ok: true, value: [] };
      const out: Dependency[] = [];
      if (Array.isArray(raw)) {
        for (const [i, item] of raw.entries()) {
          if (typeof item !== "string" || !SERVICE_NAME.test(item))
            return nameError([...path, String(i)], item);
          if (!out.some((d) => d.service === item))
            out.push({ service: item, condition: "started" });
        }
        return { ok: true, value: out };
      }
      if (typeof raw === "string") {
        if (!SERVICE_NAME.test(raw)) return nameError(path, raw);
        return { ok: true, value: [{ service: raw, condition: "started" }] };
      }
      if (typeof raw !== "object")
        return expected(path, "a list of service names or a map of name: {condition}", raw);
      for (const [name, spec] of Object.entries(raw)) {
        const at = [...path, name];
        if (!SERVICE_NAME.test(name)) return nameError(at, name);
        if (spec === null || spec === undefined) {
          out.push({ service: name, condition: "started" });
          continue;
        }
        // `db: healthy` is accepted as a shorthand for `db: {condition: healthy}`.
        if (typeof spec === "string") {
          const condition = conditionOf(spec, at);
          if (!condition.ok) return condition;
          out.push({ service: name, condition: condition.value });
          continue;
        }
        if (typeof spec !== "object" || Array.isArray(spec))
          return expected(at, "a mapping like `{condition: healthy}`", spec);
        for (const key of Object.keys(spec))
          if (key !== "condition")
            return {
              ok: false,
              problems: [
                {
                  path: [...at, key],
                  message: `Unknown key \`${keyPath([...at, key])}\``,
                  hint: `A dependency takes only \`condition\` (${CONDITIONS.join(" | ")}).`,
                },
              ],
            };
        const condition = conditionOf((spec as { condition?: unknown }).condition ?? "started", [
          ...at,
          "condition",
        ]);
        if (!condition.ok) return condition;
        out.push({ service: name, condition: condition.value });
      }
      return { ok: true, value: out };
    },
    jsonSchema: () => ({
      description:
        "Services this one starts after: a list of names (each `started`), or a map of name to `{condition}`.",
      anyOf: [
        { type: "array", items: { type: "string", pattern: SERVICE_NAME.source } },
        {
          type: "object",
          propertyNames: { pattern: SERVICE_NAME.source },
          additionalProperties: {
            anyOf: [
              { type: "null" },
              { enum: [...CONDITIONS] },
              {
                type: "object",
                additionalProperties: false,
                properties: { condition: { enum: [...CONDITIONS], default: "started" } },
              },
            ],
          },
        },
      ],
    }),
  };
}

/** `max_parallel_builds`: a whole number, or absent for the number of cores. */
export function parallelBuilds(): LeafNode<number | null> {
  const base = integer({
    description:
      "Most services that build at once (the others wait for a slot); absent: the number of cores.",
    default: 0,
    min: 1,
    max: 1024,
  });
  return {
    ...base,
    default: null,
    defaultNote: "the number of cores",
    typeName: "integer",
    check: (raw, path) =>
      raw === null || raw === undefined ? { ok: true, value: null } : base.check(raw, path),
    jsonSchema: () => {
      const { default: _zero, ...rest } = base.jsonSchema();
      return { ...rest, type: ["integer", "null"] };
    },
  };
}

/** The keys of one service: the per-service top-level keys plus the graph's own. */
export function serviceShape<S extends Shape>(base: S) {
  const own = Object.fromEntries(
    Object.entries(base).filter(([key]) => !(RUN_WIDE_KEYS as readonly string[]).includes(key)),
  ) as S;
  return {
    ...own,
    depends_on: dependsOn(),
    restart_dependents: boolean({
      description:
        "After this service swaps to a new process, restart the services that depend on it.",
      default: false,
    }),
  };
}

export type ServiceNode<S extends Shape> = ObjectNode<S & ReturnType<typeof serviceShape<S>>>;

/** `services:`: a map of service names to their keys, each checked with did-you-mean. */
export function servicesMap<S extends Shape>(
  service: ObjectNode<S>,
): LeafNode<Readonly<Record<string, Infer<S>>>> {
  return {
    kind: "leaf",
    typeName: "map of name → service",
    description:
      "Several services from one config, by name: each takes the per-service keys (root, build, exec, watch, env, health_check, …) with the top-level ones as defaults, plus `depends_on` and `restart_dependents`. Absent: one service, the top level.",
    default: {},
    example: { api: { exec: "./bin/api", depends_on: ["db"] }, db: { exec: "./db.sh" } },
    check(raw, path) {
      if (raw === null || raw === undefined) return { ok: true, value: {} };
      if (typeof raw !== "object" || Array.isArray(raw))
        return expected(
          path,
          "a mapping of service names to their keys",
          raw,
          "Write it like `services: {api: {exec: ./bin/api}}`.",
        );
      const problems: Problem[] = [];
      const out: Record<string, Infer<S>> = {};
      for (const [name, spec] of Object.entries(raw)) {
        if (!SERVICE_NAME.test(name)) {
          problems.push({
            path: [...path, name],
            message: `Expected \`${keyPath([...path, name])}\` to be named like a service, got ${JSON.stringify(name)}`,
            hint: SERVICE_NAME_HINT,
          });
          continue;
        }
        // A key of the whole run set on one service: say where it belongs.
        const misplaced =
          spec && typeof spec === "object" && !Array.isArray(spec)
            ? Object.keys(spec).filter((key) => (RUN_WIDE_KEYS as readonly string[]).includes(key))
            : [];
        for (const key of misplaced)
          problems.push({
            path: [...path, name, key],
            message: `Unknown key \`${keyPath([...path, name, key])}\`: \`${key}\` belongs to the whole run, not to one service`,
            hint: `Set \`${key}\` at the top level of the file (one watcher, one terminal and one dashboard serve every service).`,
          });
        const rest =
          misplaced.length > 0
            ? Object.fromEntries(
                Object.entries(spec as Record<string, unknown>).filter(
                  ([k]) => !misplaced.includes(k),
                ),
              )
            : spec;
        const checked = service.check(rest ?? {}, [...path, name]);
        if (checked.ok) out[name] = checked.value;
        else problems.push(...checked.problems);
      }
      return problems.length > 0 ? { ok: false, problems } : { ok: true, value: out };
    },
    jsonSchema: () => ({
      type: "object",
      description:
        "Several services from one config, by name; top-level keys are the defaults of every service.",
      propertyNames: { pattern: SERVICE_NAME.source },
      additionalProperties: service.jsonSchema(),
    }),
  };
}

/** Adds `max_parallel_builds` and `services` to the top-level schema. */
export function withServices<S extends Shape>(base: ObjectNode<S>) {
  const service = object("One service.", serviceShape(base.shape));
  return object(base.description, {
    ...base.shape,
    max_parallel_builds: parallelBuilds(),
    services: servicesMap(service),
  });
}
