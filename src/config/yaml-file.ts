/**
 * Reads a YAML config file into a plain value, and maps key paths back to `file:line:col`
 * so every validation problem can point at the line the user wrote.
 */
import type { Document } from "yaml";
import { hotreloadError, type Result } from "../errors.ts";

/** The YAML library, loaded on the first config file: a zero-config run never pays its
 * few megabytes of memory. */
const yaml = (): typeof import("yaml") => require("yaml");

import type { Problem } from "./schema-dsl.ts";

export interface YamlFile {
  readonly path: string;
  readonly value: unknown;
  /** `path:line:col` for a key path (the key for unknown keys, the value otherwise). */
  locate(keyPath: string[], at: "key" | "value"): string;
}

export function parseYamlFile(path: string, text: string): Result<YamlFile> {
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const where = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return `${path}:${line}:${col}`;
  };
  const first = doc.errors[0];
  if (first) {
    const [headline, ...frame] = first.message.split("\n");
    const reason = (headline ?? "invalid YAML").replace(/ at line \d+, column \d+:?$/, "");
    return {
      ok: false,
      error: hotreloadError(
        "config.parse",
        `${where(first.pos[0])}: invalid YAML: ${reason}`,
        "Check the indentation and quoting on that line; strings containing `: ` or `#` need quotes.",
        frame.filter((line) => line.trim() !== ""),
      ),
    };
  }
  // A YAML "billion laughs" (aliases of aliases) stops at the library's alias limit.
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (error) {
    const offset = firstAliasOffset(doc);
    return {
      ok: false,
      error: hotreloadError(
        "config.parse",
        `${offset === null ? path : where(offset)}: invalid YAML: ${(error as Error).message}`,
        `Aliases (\`*name\`) may expand to at most ${MAX_ALIAS_COUNT} nodes in all; write the values out instead.`,
      ),
    };
  }
  return {
    ok: true,
    value: {
      path,
      value,
      locate(keyPath, at) {
        const offset = offsetOf(doc, keyPath, at);
        return offset === null ? path : where(offset);
      },
    },
  };
}

/** The yaml library's own default: how many nodes aliases may expand to, in all. */
const MAX_ALIAS_COUNT = 100;

function firstAliasOffset(doc: Document): number | null {
  const { visit } = yaml();
  let offset: number | null = null;
  visit(doc, {
    Alias(_key, node) {
      offset = rangeStart(node);
      return visit.BREAK;
    },
  });
  return offset;
}

function offsetOf(doc: Document, keyPath: string[], at: "key" | "value"): number | null {
  const { isMap, isScalar, isSeq } = yaml();
  let node: unknown = doc.contents;
  let best: number | null = rangeStart(node);
  for (let i = 0; i < keyPath.length; i++) {
    if (isSeq(node)) {
      // A list entry: `watch.1` points at the second item.
      const item = node.items[Number(keyPath[i])];
      if (item === undefined) return best;
      best = rangeStart(item) ?? best;
      node = item;
      continue;
    }
    if (!isMap(node)) return best;
    const pair = node.items.find(
      (item) => isScalar(item.key) && String(item.key.value) === keyPath[i],
    );
    if (!pair) return best;
    const isLast = i === keyPath.length - 1;
    best = rangeStart(isLast && at === "key" ? pair.key : (pair.value ?? pair.key)) ?? best;
    node = pair.value;
  }
  return best;
}

function rangeStart(node: unknown): number | null {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range ? range[0] : null;
}

/** Turns validation problems into one error value pointing at the file. */
export function problemsInFile(file: YamlFile, problems: Problem[]) {
  const lines = problems.map((p) => {
    const at = p.message.startsWith("Unknown key") ? "key" : "value";
    return { text: `${file.locate(p.path, at)}: ${p.message}`, hint: p.hint };
  });
  return problemsError(lines);
}

const GENERAL_HINT =
  "docs/CONFIGURATION.md lists every key and flag; `hotreload check` re-validates.";

export function problemsError(lines: { text: string; hint?: string }[]) {
  const [first, ...rest] = lines;
  if (!first) throw new Error("problemsError needs at least one problem");
  if (rest.length === 0)
    return hotreloadError(errorCodeFor(first.text), first.text, first.hint ?? GENERAL_HINT);
  return hotreloadError(
    errorCodeFor(first.text),
    `${lines.length} problems in the configuration`,
    "Fix each line above; `hotreload check` re-validates without starting anything.",
    lines.flatMap((l) => [l.text, ...(l.hint ? [`  hint: ${l.hint}`] : [])]),
  );
}

function errorCodeFor(text: string) {
  return text.includes("Unknown key")
    ? ("config.unknown-key" as const)
    : ("config.invalid" as const);
}
