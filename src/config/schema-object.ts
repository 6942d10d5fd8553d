/** Mappings of keys in the schema language: unknown keys are reported with a did-you-mean. */
import { didYouMean } from "./did-you-mean.ts";
import {
  expected,
  type Infer,
  keyPath,
  type ObjectNode,
  type Problem,
  type Shape,
} from "./schema-dsl.ts";

export function object<const S extends Shape>(description: string, shape: S): ObjectNode<S> {
  const defaults = Object.fromEntries(
    Object.entries(shape).map(([key, node]) => [key, node.default]),
  ) as Infer<S>;
  return {
    kind: "object",
    typeName: "object",
    shape,
    description,
    default: defaults,
    check(raw, path) {
      if (raw === null || raw === undefined) return { ok: true, value: defaults };
      if (typeof raw !== "object" || Array.isArray(raw))
        return expected(path, "a mapping of keys", raw);
      const problems: Problem[] = [];
      const out: Record<string, unknown> = {};
      const known = Object.keys(shape);
      for (const key of Object.keys(raw)) {
        if (!(key in shape)) problems.push(unknownKey([...path, key], known));
      }
      for (const [key, node] of Object.entries(shape)) {
        const value = (raw as Record<string, unknown>)[key];
        if (value === undefined) {
          out[key] = node.default;
          continue;
        }
        const result = node.check(value, [...path, key]);
        if (result.ok) out[key] = result.value;
        else problems.push(...result.problems);
      }
      return problems.length > 0 ? { ok: false, problems } : { ok: true, value: out as Infer<S> };
    },
    jsonSchema() {
      return {
        type: "object",
        description,
        additionalProperties: false,
        properties: Object.fromEntries(
          Object.entries(shape).map(([key, node]) => [key, node.jsonSchema()]),
        ),
      };
    },
  };
}

function unknownKey(path: string[], known: string[]): Problem {
  const key = path[path.length - 1] as string;
  const guess = didYouMean(key, known);
  const where = path.length > 1 ? ` in \`${keyPath(path.slice(0, -1))}\`` : "";
  return {
    path,
    message: `Unknown key \`${keyPath(path)}\``,
    hint: guess
      ? `Did you mean \`${keyPath([...path.slice(0, -1), guess])}\`?`
      : `Known keys${where}: ${known.join(", ")}.`,
  };
}
