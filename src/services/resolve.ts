/**
 * `services:` resolved: each service's keys over the top-level defaults, through the same
 * resolution as a single-service config (detection, paths, checks), plus its place in the
 * graph. A config without `services:` is not handled here: it stays one service, as before.
 */
import { availableParallelism } from "node:os";
import {
  type ConfigInput,
  deepMerge,
  type Loaded,
  type LoadOptions,
  readConfigInput,
  resolveConfigRaw,
} from "../config/load.ts";
import type { ResolvedConfig } from "../config/schema.ts";
import { type Dependency, dependsOn } from "../config/services-schema.ts";
import { problemsInFile } from "../config/yaml-file.ts";
import { hotreloadError, type Result } from "../errors.ts";
import { buildGraph, type ServiceGraph } from "./graph.ts";

export interface ResolvedService {
  readonly name: string;
  readonly config: ResolvedConfig;
  readonly dependsOn: readonly Dependency[];
  readonly restartDependents: boolean;
  /** Absolute paths the watcher must ignore for this service (build outputs). */
  readonly outputs: readonly string[];
  readonly detected: string | null;
}

export interface LoadedServices {
  /** The top-level keys resolved (run-wide settings: dashboard, keys, the watcher's timing). */
  readonly top: ResolvedConfig;
  readonly services: readonly ResolvedService[];
  readonly graph: ServiceGraph;
  readonly maxParallelBuilds: number;
  readonly configFile: string;
}

export type LoadedRun =
  | { kind: "single"; loaded: Loaded }
  | { kind: "services"; loaded: LoadedServices };

type Raw = Record<string, unknown>;

/** One service or several, as the config file says. */
export function loadRun(options: LoadOptions): Result<LoadedRun> {
  const input = readConfigInput(options);
  if (!input.ok) return input;
  const services = input.value.fileRaw.services;
  if (services === undefined || services === null) {
    const loaded = resolveConfigRaw(input.value, input.value.fileRaw, options);
    return loaded.ok ? { ok: true, value: { kind: "single", loaded: loaded.value } } : loaded;
  }
  const resolved = resolveServices(input.value, services as Record<string, Raw>, options);
  return resolved.ok ? { ok: true, value: { kind: "services", loaded: resolved.value } } : resolved;
}

/** The config file has a `services:` key (whatever else is wrong with it). */
export function declaresServices(options: LoadOptions): boolean {
  const input = readConfigInput(options);
  return (
    input.ok && input.value.fileRaw.services !== undefined && input.value.fileRaw.services !== null
  );
}

function resolveServices(
  input: ConfigInput,
  services: Record<string, Raw>,
  options: LoadOptions,
): Result<LoadedServices> {
  const file = input.file;
  if (file === null)
    return {
      ok: false,
      error: hotreloadError(
        "config.invalid",
        "`services` needs a config file",
        "Put it in .hotreload.yaml.",
      ),
    };
  const names = Object.keys(services);
  if (names.length === 0)
    return {
      ok: false,
      error: hotreloadError(
        "config.invalid",
        `${file.locate(["services"], "value")}: \`services\` is empty`,
        "Name at least one service (`services: {api: {exec: ./bin/api}}`), or remove `services:` to run the top level as one service.",
      ),
    };
  const { services: _all, ...defaults } = input.fileRaw;
  // The top level alone: its run-wide keys (and a check that it is valid on its own).
  const top = resolveConfigRaw(input, defaults, { allowMissingExec: true });
  if (!top.ok) return top;

  const out: ResolvedService[] = [];
  for (const name of names) {
    const own = services[name] ?? {};
    const { depends_on, restart_dependents, ...keys } = own;
    const raw = deepMerge(defaults, keys);
    const loaded = resolveConfigRaw(input, raw, {
      allowMissingExec: options.allowMissingExec,
      ignoreFlagRoot: true,
      at: (key) => (key in own ? ["services", name] : []),
    });
    if (!loaded.ok)
      return {
        ok: false,
        error: { ...loaded.error, message: inService(name, loaded.error.message, file.path) },
      };
    const deps = dependsOn().check(depends_on, ["services", name, "depends_on"]);
    out.push({
      name,
      config: loaded.value.config,
      dependsOn: deps.ok ? deps.value : [],
      restartDependents: restart_dependents === true,
      outputs: loaded.value.outputs,
      detected: loaded.value.detection?.label ?? null,
    });
  }

  const graph = buildGraph(
    out.map((s) => ({
      name: s.name,
      dependsOn: s.dependsOn,
      hasHealthCheck: s.config.health_check.enabled && s.config.health_check.url !== null,
    })),
  );
  if (!graph.ok) return { ok: false, error: problemsInFile(file, graph.problems) };
  const max = top.value.config.max_parallel_builds ?? availableParallelism();
  return {
    ok: true,
    value: {
      top: top.value.config,
      services: out,
      graph: graph.value,
      maxParallelBuilds: max,
      configFile: file.path,
    },
  };
}

/** A service's error names the service, unless it already points into the file. */
function inService(name: string, message: string, file: string): string {
  return message.startsWith(file) ? message : `services.${name}: ${message}`;
}
