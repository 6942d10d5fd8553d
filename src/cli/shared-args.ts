/**
 * Argument fragments shared by the commands, derived from the flag table in
 * src/config/flags.ts so the CLI and the configuration can never drift apart.
 */
import type { ArgsDef } from "citty";
import { CONFIG_FLAGS, type FlagValues } from "../config/flags.ts";
import { fail } from "../errors.ts";
import { type LogLevel, levelFromEnv, parseLevel } from "../log.ts";

export const configArgs = Object.fromEntries([
  [
    "config",
    {
      type: "string",
      valueHint: "file",
      description: "Config file (default: .hotreload.yaml in the root)",
    },
  ],
  ...CONFIG_FLAGS.map((spec) => [
    spec.flag,
    { type: spec.type, valueHint: spec.valueHint, description: spec.description },
  ]),
]) as ArgsDef;

export const outputArgs = {
  json: {
    type: "boolean",
    description: "Write events as NDJSON on stdout instead of the pretty log",
  },
  color: {
    type: "boolean",
    description: "Colours (--no-color to turn off; NO_COLOR is honoured too)",
  },
  quiet: { type: "boolean", alias: "q", description: "Only errors and the app's own output" },
  open: { type: "boolean", description: "Open the dashboard in the browser" },
  "log-level": {
    type: "string",
    valueHint: "level",
    description: "debug, info, warn or error (or HOTRELOAD_LOG_LEVEL)",
  },
} as const satisfies ArgsDef;

/**
 * `--log-level` as given, checked: a bad value is a usage error naming the flag (the
 * environment variable only warns, since nobody typed it into this command).
 */
export function levelFromArgs(args: Record<string, unknown>): {
  level: LogLevel;
  warning?: string;
} {
  const flag = args["log-level"];
  if (typeof flag !== "string") return levelFromEnv(process.env.HOTRELOAD_LOG_LEVEL);
  const level = parseLevel(flag);
  if (level === null)
    fail(
      "flag.invalid",
      `--log-level: Expected one of debug, info, warn, error, got ${JSON.stringify(flag)}`,
      "Write e.g. `--log-level debug`; HOTRELOAD_LOG_LEVEL takes the same values.",
    );
  return { level };
}

/** Values of repeatable flags, which the parser would collapse to the last one. */
export function repeated(rawArgs: readonly string[], name: string): string[] | undefined {
  const values: string[] = [];
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i] as string;
    if (arg === `--${name}` && i + 1 < rawArgs.length) values.push(rawArgs[++i] as string);
    else if (arg.startsWith(`--${name}=`)) values.push(arg.slice(name.length + 3));
  }
  return values.length > 0 ? values : undefined;
}

/** Picks the configuration flags out of parsed arguments. */
export function flagValues(args: Record<string, unknown>, rawArgs: readonly string[]): FlagValues {
  const out: Record<string, unknown> = {};
  if (typeof args.config === "string") out.config = args.config;
  for (const spec of CONFIG_FLAGS) {
    if (spec.repeatable) {
      const values = repeated(rawArgs, spec.flag);
      if (values) out[spec.key] = values;
      continue;
    }
    const value = args[spec.flag];
    if (value !== undefined) out[spec.key] = value;
  }
  return out as FlagValues;
}
