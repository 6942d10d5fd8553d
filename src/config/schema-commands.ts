/**
 * Schema leaves for what a change triggers: the globs of a rule, and a command with an
 * optional timeout (a rule's `run`, a hook). Both read the way a user writes them: one
 * glob or a list; a command line, or `{command, timeout}` when it needs its own timeout.
 */
import { parseDuration } from "./duration.ts";
import { type Check, expected, type LeafOptions, leaf } from "./schema-dsl.ts";

/** A command as resolved: `timeout` null means the shared default (`hooks.timeout`). */
export interface CommandSpec {
  readonly command: string;
  readonly timeout: number | null;
}

/** Longest a hook may be given: a day, far below any timer's overflow. */
export const MAX_HOOK_TIMEOUT_MS = 86_400_000;

/** One glob or a list of globs (picomatch, relative to the root); never empty. */
export function globList(options: LeafOptions<readonly string[]>) {
  return leaf<readonly string[]>(
    "glob | glob[]",
    options,
    (raw, path) => {
      const list = typeof raw === "string" ? [raw] : raw;
      if (!Array.isArray(list) || list.length === 0)
        return expected(
          path,
          "a glob or a list of globs",
          raw,
          'Write e.g. `match: "views/**/*.html"` or `match: ["**/*.tmpl", "**/*.html"]`.',
        );
      const bad = list.findIndex((item) => typeof item !== "string" || item.trim() === "");
      if (bad >= 0) return expected([...path, String(bad)], "a non-empty glob", list[bad]);
      return { ok: true, value: list.map((s: string) => s.trim()) };
    },
    {
      anyOf: [
        { type: "string", minLength: 1 },
        { type: "array", items: { type: "string", minLength: 1 }, minItems: 1 },
      ],
    },
  );
}

/** A shell command, or `{command, timeout}`; absent, null or empty means none. */
export function commandSpec(options: LeafOptions<CommandSpec | null>) {
  return leaf<CommandSpec | null>(
    "command | {command, timeout}",
    options,
    (raw, path): Check<CommandSpec | null> => {
      if (raw === null || raw === undefined) return { ok: true, value: null };
      if (typeof raw === "string")
        return { ok: true, value: raw.trim() === "" ? null : { command: raw, timeout: null } };
      if (typeof raw !== "object" || Array.isArray(raw))
        return expected(path, "a command, or a mapping with `command` and `timeout`", raw);
      const fields = raw as Record<string, unknown>;
      const unknown = Object.keys(fields).find((k) => k !== "command" && k !== "timeout");
      if (unknown !== undefined)
        return expected(
          [...path, unknown],
          "one of `command`, `timeout`",
          unknown,
          "A command mapping has only `command` and `timeout`.",
        );
      if (typeof fields.command !== "string" || fields.command.trim() === "")
        return expected([...path, "command"], "a command line", fields.command);
      if (fields.timeout === undefined || fields.timeout === null)
        return { ok: true, value: { command: fields.command, timeout: null } };
      const ms = parseDuration(fields.timeout);
      if (ms === null || ms < 1 || ms > MAX_HOOK_TIMEOUT_MS)
        return expected(
          [...path, "timeout"],
          "a duration from `1ms` to `24h`, like `30s`",
          fields.timeout,
        );
      return { ok: true, value: { command: fields.command, timeout: ms } };
    },
    {
      anyOf: [
        { type: "string" },
        { type: "null" },
        {
          type: "object",
          additionalProperties: false,
          required: ["command"],
          properties: {
            command: { type: "string", minLength: 1 },
            timeout: { anyOf: [{ type: "string" }, { type: "number", minimum: 1 }] },
          },
        },
      ],
    },
  );
}
