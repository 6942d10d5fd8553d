import { relative } from "node:path";
import { defineCommand } from "citty";
import { stringify } from "yaml";
import { formatDuration } from "../config/duration.ts";
import { readEnvFiles } from "../config/env-files.ts";
import { configSchema, type ResolvedConfig } from "../config/schema.ts";
import type { Shape } from "../config/schema-dsl.ts";
import { fail } from "../errors.ts";
import { servicesReport } from "../services/check-report.ts";
import { loadRun } from "../services/resolve.ts";
import { triggersReport } from "./check-triggers.ts";
import { execProblem } from "./exec-resolves.ts";
import { configArgs, flagValues, levelFromArgs, outputArgs } from "./shared-args.ts";

/** Names of the keys whose values are durations, from the schema (every level). */
function durationKeys(shape: Shape, into = new Set<string>()): Set<string> {
  for (const [key, node] of Object.entries(shape)) {
    if (node.kind === "object") durationKeys(node.shape, into);
    else if (node.kind === "list") durationKeys(node.item.shape, into);
    else if (node.typeName.includes("duration")) into.add(key);
  }
  return into;
}

const DURATION_KEYS = durationKeys(configSchema.shape as Shape);

/** The resolved configuration with durations written back as `5s`, for humans. */
export function humanConfig(config: ResolvedConfig): unknown {
  const walk = (value: unknown, key: string): unknown => {
    if (typeof value === "number" && DURATION_KEYS.has(key)) return formatDuration(value);
    if (Array.isArray(value)) return value;
    if (typeof value === "object" && value !== null)
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
    return value;
  };
  return walk(config, "");
}

export default defineCommand({
  meta: { name: "check", description: "Validate the configuration and print it fully resolved" },
  args: {
    ...configArgs,
    // The output flags a `hotreload` command line carries are accepted here too, so the
    // same flags can be checked; check prints no colours and logs nothing.
    color: outputArgs.color,
    quiet: outputArgs.quiet,
    "log-level": outputArgs["log-level"],
    json: {
      type: "boolean",
      description: "Print the resolved configuration as JSON (durations in ms)",
    },
  },
  run({ args, rawArgs }) {
    levelFromArgs(args);
    const run = loadRun({ cwd: process.cwd(), flags: flagValues(args, rawArgs) });
    if (!run.ok) fail(run.error.code, run.error.message, run.error.hint, run.error.details);
    // A command that cannot start is a configuration error now, not a crash loop later.
    const commands =
      run.value.kind === "services"
        ? run.value.loaded.services.map((s) => s.config)
        : [run.value.loaded.config];
    for (const { exec, root, build } of commands) {
      const problem = exec ? execProblem(exec, { root, build }) : null;
      if (problem) fail("config.exec-not-found", problem.message, problem.hint);
    }
    if (run.value.kind === "services") {
      process.stdout.write(servicesReport(run.value.loaded, Boolean(args.json)));
      return;
    }
    const { config, outputs } = run.value.loaded;
    if (args.json) {
      process.stdout.write(`${JSON.stringify(config, null, 2)}\n`);
      return;
    }
    const source = config.configFile ?? "no config file (defaults and flags)";
    const detected = config.detected ? `\n# detected: ${config.detected}` : "";
    // Env files by their keys: their values are never printed.
    const envFiles = readEnvFiles(config.env_file).files.map((file) => {
      const name = relative(config.root, file.path) || file.path;
      const keys = file.missing
        ? "(missing)"
        : file.error
          ? `(${file.error})`
          : file.keys.join(", ");
      return `\n# env file ${name}: ${keys || "(no keys)"}`;
    });
    process.stdout.write(
      `# ${source}: OK${detected}${envFiles.join("")}\n${triggersReport(config, outputs)}${stringify(humanConfig(config))}`,
    );
  },
});
