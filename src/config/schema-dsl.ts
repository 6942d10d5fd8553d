/**
 * A tiny schema language: each node knows its default, how to validate and normalise a raw
 * value, and how to describe itself as JSON Schema and as documentation. The configuration
 * schema is written once with it (schema.ts) and everything else is derived.
 */
import { formatDuration, MAX_DURATION_MS, parseDuration } from "./duration.ts";

export interface Problem {
  /** Key path, e.g. ["health_check", "timeout"]. */
  path: string[];
  message: string;
  hint?: string;
}

export type Check<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

interface NodeBase<T> {
  readonly description: string;
  /** Shown in docs and in `hotreload init` output. */
  readonly example?: unknown;
  readonly default: T;
  /** The default as documented when it is computed elsewhere (e.g. by project detection). */
  readonly defaultNote?: string;
  check(raw: unknown, path: string[]): Check<T>;
  jsonSchema(): Record<string, unknown>;
  /** A short type name for docs: "duration", "string[]". */
  readonly typeName: string;
  /** The key must be given (in a mapping); it has no default. */
  readonly required?: boolean;
}

export interface LeafNode<T> extends NodeBase<T> {
  readonly kind: "leaf";
}

export interface ObjectNode<S extends Shape> extends NodeBase<Infer<S>> {
  readonly kind: "object";
  readonly shape: S;
}

/** An ordered list of mappings, each checked by `item` (key paths like `rules.2.action`). */
export interface ListNode<S extends Shape> extends NodeBase<readonly Infer<S>[]> {
  readonly kind: "list";
  readonly item: ObjectNode<S>;
}

export type SchemaNode = LeafNode<unknown> | ObjectNode<Shape> | ListNode<Shape>;
export type Shape = { readonly [key: string]: SchemaNode };
export type Infer<S extends Shape> = {
  readonly [K in keyof S]: S[K] extends NodeBase<infer T> ? T : never;
};

export const keyPath = (path: string[]): string => path.join(".");

function describeValue(raw: unknown): string {
  if (raw === null) return "null";
  if (Array.isArray(raw)) return "a list";
  if (typeof raw === "object") return "a mapping";
  if (typeof raw === "string") return JSON.stringify(raw);
  return String(raw);
}

export function expected<T>(path: string[], what: string, raw: unknown, hint?: string): Check<T> {
  return {
    ok: false,
    problems: [
      {
        path,
        message: `Expected \`${keyPath(path)}\` to be ${what}, got ${describeValue(raw)}`,
        hint,
      },
    ],
  };
}

export interface LeafOptions<T> {
  description: string;
  default: T;
  example?: unknown;
  defaultNote?: string;
  required?: boolean;
}

export function leaf<T>(
  typeName: string,
  options: LeafOptions<T>,
  check: (raw: unknown, path: string[]) => Check<T>,
  jsonSchema: Record<string, unknown>,
): LeafNode<T> {
  return {
    kind: "leaf",
    typeName,
    description: options.description,
    default: options.default,
    example: options.example,
    defaultNote: options.defaultNote,
    required: options.required,
    check,
    jsonSchema: () => ({
      ...jsonSchema,
      description: options.description,
      ...(options.default !== null && options.default !== undefined
        ? { default: options.default }
        : {}),
      ...(options.example !== undefined ? { examples: [options.example] } : {}),
    }),
  };
}

export function string(options: LeafOptions<string> & { pattern?: RegExp; patternHint?: string }) {
  return leaf<string>(
    "string",
    options,
    (raw, path) => {
      if (typeof raw !== "string") return expected(path, "a string", raw);
      if (options.pattern && !options.pattern.test(raw))
        return expected(path, options.patternHint ?? `a string matching ${options.pattern}`, raw);
      return { ok: true, value: raw };
    },
    { type: "string" },
  );
}

/** A command line or path that may be absent: null or an empty string means "none". */
export function optionalString(options: LeafOptions<string | null>) {
  return leaf<string | null>(
    "string",
    options,
    (raw, path) => {
      if (raw === null || raw === undefined) return { ok: true, value: null };
      if (typeof raw !== "string") return expected(path, "a string", raw);
      return { ok: true, value: raw.trim() === "" ? null : raw };
    },
    { type: ["string", "null"] },
  );
}

/**
 * An http(s) URL with a host and a port in range, or a path starting with `/` (resolved
 * later against each instance); null when unset.
 */
export function httpUrlOrPath(options: LeafOptions<string | null>) {
  return leaf<string | null>(
    "URL | /path",
    options,
    (raw, path) => {
      if (raw === null || raw === undefined) return { ok: true, value: null };
      if (typeof raw !== "string")
        return expected(path, "a URL like `http://localhost:8080/health`", raw);
      const text = raw.trim();
      if (text === "") return { ok: true, value: null };
      if (text.startsWith("/") && !text.startsWith("//")) return { ok: true, value: text };
      const problem = urlProblem(text);
      if (problem === null) return { ok: true, value: text };
      return expected(
        path,
        "an http or https URL with a host, like `http://localhost:8080/health`",
        raw,
        problem,
      );
    },
    { type: ["string", "null"] },
  );
}

function urlProblem(text: string): string | null {
  const port = /^[a-z][a-z0-9+.-]*:\/\/(?:[^/?#@]*@)?(?:\[[^\]]*\]|[^/?#:]*):(\d+)/i.exec(
    text,
  )?.[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65_535))
    return `The port must be from 1 to 65535; ${port} is not.`;
  let url: URL;
  try {
    url = new URL(text);
  } catch (error) {
    // Not a URL at all; the message below says what one looks like.
    void error;
    return "Write the whole URL with its scheme, host and port, or a path like `/health` with the proxy on.";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    return `Only http and https can be probed; the scheme is \`${url.protocol.slice(0, -1)}\`.`;
  // WHATWG URLs read `http:///health` as host "health"; the user meant no host at all.
  if (url.hostname === "" || !/^[a-z][a-z0-9+.-]*:\/\/[^/?#]/i.test(text))
    return "The URL has no host: write it as `http://localhost:8080/health`.";
  return null;
}

export function boolean(options: LeafOptions<boolean>) {
  return leaf<boolean>(
    "boolean",
    options,
    (raw, path) =>
      typeof raw === "boolean"
        ? { ok: true, value: raw }
        : expected(path, "true or false", raw, "YAML booleans are `true` and `false`."),
    { type: "boolean" },
  );
}

export function integer(options: LeafOptions<number> & { min: number; max: number }) {
  return leaf<number>(
    "integer",
    options,
    (raw, path) => {
      const value = typeof raw === "string" && /^\d+$/.test(raw.trim()) ? Number(raw) : raw;
      if (typeof value !== "number" || !Number.isInteger(value))
        return expected(path, "a whole number", raw);
      if (value < options.min || value > options.max)
        return expected(path, `a whole number from ${options.min} to ${options.max}`, raw);
      return { ok: true, value };
    },
    { type: "integer", minimum: options.min, maximum: options.max },
  );
}

const DURATION_PATTERN = "^\\s*(\\d+(\\.\\d+)?(ms|s|m|h))+\\s*$|^\\s*\\d+(\\.\\d+)?\\s*$";

/** "a duration from 1ms to 10m": the range a duration key accepts, in the user's units. */
export function durationRange(min: number, max: number): string {
  return `a duration from ${formatDuration(min)} to ${formatDuration(max)}`;
}

/**
 * A duration in milliseconds, within [min, max]; max defaults to MAX_DURATION_MS so no
 * value can overflow a timer.
 */
export function duration(options: LeafOptions<number> & { min?: number; max?: number }) {
  const min = options.min ?? 0;
  const max = Math.min(options.max ?? MAX_DURATION_MS, MAX_DURATION_MS);
  return leaf<number>(
    "duration",
    options,
    (raw, path) => {
      const ms = parseDuration(raw);
      if (ms === null)
        return expected(
          path,
          "a duration like `5s`",
          raw,
          "Write a number with a unit (ms, s, m, h), e.g. `300ms`, `5s`, `1m`; a bare number is milliseconds.",
        );
      if (ms < min || ms > max) return expected(path, durationRange(min, max), raw);
      return { ok: true, value: ms };
    },
    {
      anyOf: [
        { type: "string", pattern: DURATION_PATTERN },
        { type: "number", minimum: min, maximum: max },
      ],
    },
  );
}

export function oneOf<const T extends string>(values: readonly T[], options: LeafOptions<T>) {
  return leaf<T>(
    values.join(" | "),
    options,
    (raw, path) => {
      const text = typeof raw === "string" ? raw.trim() : raw;
      const found = values.find(
        (v) => v === text || v.toLowerCase() === String(text).toLowerCase(),
      );
      return found
        ? { ok: true, value: found }
        : expected(path, `one of ${values.map((v) => `\`${v}\``).join(", ")}`, raw);
    },
    { enum: [...values] },
  );
}

/** A list of strings; a comma-separated string is accepted too, as on the command line. */
export function stringList(options: LeafOptions<readonly string[]>) {
  return leaf<readonly string[]>(
    "string[]",
    options,
    (raw, path) => {
      if (typeof raw === "string") return { ok: true, value: splitList(raw) };
      if (!Array.isArray(raw)) return expected(path, "a list of strings", raw);
      const bad = raw.findIndex((item) => typeof item !== "string");
      if (bad >= 0) return expected([...path, String(bad)], "a string", raw[bad]);
      return { ok: true, value: raw.map((s: string) => s.trim()).filter(Boolean) };
    },
    {
      anyOf: [{ type: "array", items: { type: "string" } }, { type: "string" }],
    },
  );
}

/**
 * One path or a list of paths. Unlike `stringList`, a single string is one path (a path
 * may contain a comma), and order is kept: later entries win where that matters.
 */
export function pathList(options: LeafOptions<readonly string[]>) {
  return leaf<readonly string[]>(
    "path | path[]",
    options,
    (raw, path) => {
      if (raw === null || raw === undefined) return { ok: true, value: [] };
      const list = typeof raw === "string" ? [raw] : raw;
      if (!Array.isArray(list)) return expected(path, "a path or a list of paths", raw);
      const bad = list.findIndex((item) => typeof item !== "string" || item.trim() === "");
      if (bad >= 0) return expected([...path, String(bad)], "a non-empty path", list[bad]);
      return { ok: true, value: list.map((s: string) => s.trim()) };
    },
    {
      anyOf: [{ type: "array", items: { type: "string", minLength: 1 } }, { type: "string" }],
    },
  );
}

export function splitList(text: string): string[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A mapping of names to scalar values, kept as strings (environment variables). */
export function stringMap(options: LeafOptions<Readonly<Record<string, string>>>) {
  return leaf<Readonly<Record<string, string>>>(
    "map",
    options,
    (raw, path) => {
      if (raw === null || raw === undefined) return { ok: true, value: {} };
      if (typeof raw !== "object" || Array.isArray(raw))
        return expected(path, "a mapping of NAME: value", raw);
      const out: Record<string, string> = {};
      for (const [key, value] of Object.entries(raw)) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key))
          return expected([...path, key], "a variable name (letters, digits, _)", key);
        if (value !== null && typeof value === "object")
          return expected([...path, key], "a string, number or boolean", value);
        out[key] = value === null ? "" : String(value);
      }
      return { ok: true, value: out };
    },
    { type: "object", additionalProperties: { type: ["string", "number", "boolean", "null"] } },
  );
}

/**
 * Polling: `false` (native events), `true` (poll at the default interval) or an interval.
 * Resolved to `false` or the interval in milliseconds.
 */
export function pollSetting(
  options: LeafOptions<false | number> & { interval: number; min: number; max: number },
) {
  return leaf<false | number>(
    "boolean | duration",
    options,
    (raw, path) => {
      if (raw === false || raw === null || raw === undefined) return { ok: true, value: false };
      if (raw === true) return { ok: true, value: options.interval };
      const ms = parseDuration(raw);
      if (ms === null || ms < options.min || ms > options.max)
        return expected(
          path,
          `\`true\`, \`false\` or an interval from ${formatDuration(options.min)} to ${formatDuration(options.max)}`,
          raw,
        );
      return { ok: true, value: ms };
    },
    {
      anyOf: [
        { type: "boolean" },
        { type: "string", pattern: DURATION_PATTERN },
        { type: "number", minimum: options.min, maximum: options.max },
      ],
    },
  );
}

/** `auto` (the engine picks the window per batch) or a fixed duration. */
export function durationOrAuto(options: LeafOptions<"auto" | number> & { max: number }) {
  return leaf<"auto" | number>(
    "`auto` | duration",
    options,
    (raw, path) => {
      if (raw === "auto") return { ok: true, value: "auto" };
      const ms = parseDuration(raw);
      if (ms === null || ms > options.max)
        return expected(
          path,
          `\`auto\` or ${durationRange(0, options.max)}`,
          raw,
          "Write `auto`, or a number with a unit, e.g. `300ms`; `0` acts on every event at once.",
        );
      return { ok: true, value: ms };
    },
    {
      anyOf: [
        { const: "auto" },
        { type: "string", pattern: DURATION_PATTERN },
        { type: "number", minimum: 0, maximum: options.max },
      ],
    },
  );
}
