/** `hotreload check` for a config with services: each service resolved, then the start graph. */
import { stringify } from "yaml";
import { humanConfig } from "../cli/check.ts";
import { RUN_WIDE_KEYS } from "../config/services-schema.ts";
import { formatStartGraph } from "./graph.ts";
import type { LoadedServices } from "./resolve.ts";

const RUN_WIDE: readonly string[] = RUN_WIDE_KEYS;

export function servicesReport(loaded: LoadedServices, json: boolean): string {
  const services = Object.fromEntries(
    loaded.services.map((s) => {
      const config = Object.fromEntries(
        Object.entries(s.config).filter(([key]) => !RUN_WIDE.includes(key)),
      );
      return [
        s.name,
        { ...config, depends_on: s.dependsOn, restart_dependents: s.restartDependents },
      ];
    }),
  );
  if (json)
    return `${JSON.stringify(
      {
        configFile: loaded.configFile,
        run: runWide(loaded),
        start_order: loaded.graph.startOrder,
        services,
      },
      null,
      2,
    )}\n`;
  const detected = loaded.services
    .filter((s) => s.detected)
    .map((s) => `\n# ${s.name}: detected ${s.detected}`)
    .join("");
  const human = Object.fromEntries(
    Object.entries(services).map(([name, config]) => [name, humanConfig(config as never)]),
  );
  return [
    `# ${loaded.configFile}: OK, ${loaded.services.length} services${detected}`,
    stringify(
      { run: humanConfig(runWide(loaded) as never), services: human },
      { aliasDuplicateObjects: false },
    ).trimEnd(),
    "# start order (stopped in reverse):",
    ...formatStartGraph(loaded.graph).map((line) => `#   ${line}`),
    "",
  ].join("\n");
}

/** The keys of the whole run (one watcher, one terminal, one dashboard). */
function runWide(loaded: LoadedServices): Record<string, unknown> {
  const top = loaded.top as unknown as Record<string, unknown>;
  return Object.fromEntries(
    RUN_WIDE.filter((key) => key !== "services").map((key) => [
      key,
      key === "max_parallel_builds" ? loaded.maxParallelBuilds : top[key],
    ]),
  );
}
