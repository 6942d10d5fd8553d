/** Mappings of keys in the schema language: unknown keys are reported with a did-you-mean. */
import { didYouMean } from "./did-you-mean.ts";
import {
  expected,
  type Infer,
  keyPath,
  type ListNode,
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
        if (value === undefined && node.required) {
          problems.push(missingKey([...path, key], node.description));
          continue;
        }
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
      const required = Object.entries(shape).filter(([, node]) => node.required);
      return {
        type: "object",
        description,
        additionalProperties: false,
        ...(required.length > 0 ? { required: required.map(([key]) => key) } : {}),
        properties: Object.fromEntries(
          Object.entries(shape).map(([key, node]) => [key, node.jsonSchema()]),
        ),
      };
    },
  };
}

/**
 * An ordered list of mappings (`rules:`). Each item is checked by `item`, so a problem
 * names its place: `rules.2.action`. Absent or null is the empty list.
 */
export function list<const S extends Shape>(
  item: ObjectNode<S>,
  options: { description: string; example?: unknown; defaultNote?: string },
): ListNode<S> {
  return {
    kind: "list",
    typeName: "list",
    item,
    description: options.description,
    example: options.example,
    defaultNote: options.defaultNote,
    default: [],
    check(raw, path) {
      if (raw === null || raw === undefined) return { ok: true, value: [] };
      if (!Array.isArray(raw))
        return expected(path, `a list of mappings (${item.description})`, raw);
      const problems: Problem[] = [];
      const out: Infer<S>[] = [];
      for (const [index, entry] of raw.entries()) {
        const where = [...path, String(index)];
        if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
          const bad = expected(
            where,
            `a mapping with ${Object.keys(item.shape).join(", ")}`,
            entry,
          );
          if (!bad.ok) problems.push(...bad.problems);
          continue;
        }
        const result = item.check(entry, where);
        if (result.ok) out.push(result.value);
        else problems.push(...result.problems);
      }
      return problems.length > 0 ? { ok: false, problems } : { ok: true, value: out };
    },
    jsonSchema() {
      return {
        type: "array",
        description: options.description,
        items: item.jsonSchema(),
        default: [],
        ...(options.example !== undefined ? { examples: [options.example] } : {}),
      };
    },
  };
}

function missingKey(path: string[], description: string): Problem {
  const firstSentence = description.split(/(?<=\.) /)[0] ?? description;
  return {
    path,
    message: `Missing required key \`${keyPath(path)}\``,
    hint: `Add \`${path[path.length - 1]}: …\` to this entry: ${firstSentence}`,
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
