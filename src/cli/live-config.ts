/**
 * Live configuration: an edit of the config file while hotreload runs is resolved again
 * (same flags, same precedence) and applied: the engine gets the new settings, then a
 * rebuild or a restart as the plan says, the watcher is re-armed with the new filters,
 * the dashboard moves. An invalid edit changes nothing and is reported with its
 * file:line:col; the next valid one is applied. Edits during an apply are merged into one
 * more pass, never raced.
 */
import { relative, resolve } from "node:path";
import type { Clock } from "../clock.ts";
import { CONFIG_FILE_NAMES, type Loaded } from "../config/load.ts";
import type { ResolvedConfig } from "../config/schema.ts";
import type { Result } from "../errors.ts";
import type { EventBus } from "../events/bus.ts";
import type { Logger } from "../log.ts";
import { watchFiles } from "../watch/file-watch.ts";
import { type ConfigPlan, describePlan, planConfigChange } from "./config-plan.ts";
import { createMergedPasses } from "./merged-passes.ts";

/** The running pieces a new configuration is applied to, in this order. */
export interface LiveParts {
  /** New settings for the next build and start; nothing is stopped yet. */
  reconfigureEngine(config: ResolvedConfig): void;
  reloadEnvFiles(config: ResolvedConfig): void;
  /** Closes the watcher and arms one with the new filters. */
  rearmWatcher(loaded: Loaded): Promise<void>;
  /** Closes the dashboard and opens it as configured now; an error message, or null. */
  moveDashboard(config: ResolvedConfig): Promise<string | null>;
  /** Asks the engine to act on the edit. */
  act(action: "rebuild" | "restart", file: string): void;
}

export interface LiveConfigOptions {
  /** Config files to watch: the one loaded, or where one would be found. */
  files: readonly string[];
  root: string;
  initial: Loaded;
  load(): Result<Loaded>;
  parts: LiveParts;
  poll: false | number;
  clock: Clock;
  bus: EventBus;
  log: Logger;
}

export interface LiveConfig {
  /** Resolves once the apply under way (if any) is done. */
  settled(): Promise<void>;
  close(): void;
}

export function startLiveConfig(options: LiveConfigOptions): LiveConfig {
  const { bus, log, parts } = options;
  let current = options.initial;
  let closed = false;
  const notice = (level: "info" | "warn" | "error", message: string) =>
    bus.emit({ type: "notice", level, tag: "config", message });

  async function apply(next: Loaded, plan: ConfigPlan, file: string): Promise<void> {
    current = next;
    parts.reconfigureEngine(next.config);
    if (plan.reloadEnvFiles) parts.reloadEnvFiles(next.config);
    if (plan.rearmWatcher) await parts.rearmWatcher(next);
    if (plan.moveDashboard) {
      const problem = await parts.moveDashboard(next.config);
      if (problem) notice("error", `dashboard: ${problem}`);
    }
    if (plan.action) parts.act(plan.action, file);
  }

  async function pass(file: string): Promise<void> {
    const loaded = options.load();
    if (!loaded.ok) {
      const details = loaded.error.details?.length ? `\n${loaded.error.details.join("\n")}` : "";
      const hint = loaded.error.hint ? `\n  hint: ${loaded.error.hint}` : "";
      notice(
        "error",
        `${loaded.error.message}${details}${hint}\nthe running configuration is kept; fix the file and save again`,
      );
      return;
    }
    const plan = planConfigChange(current.config, loaded.value.config);
    log.debug(`config edit: ${plan.changed.join(", ") || "nothing changed"}`);
    notice(plan.notLive.length > 0 ? "warn" : "info", describePlan(plan, file));
    if (plan.changed.length === 0) return;
    await apply(loaded.value, plan, file);
  }

  let lastFile = "";
  const passes = createMergedPasses(
    () => pass(lastFile),
    (error) => notice("error", `the new configuration could not be applied: ${String(error)}`),
  );
  function schedule(file: string): void {
    if (closed) return;
    lastFile = file;
    passes.request();
  }

  const watch = watchFiles({
    files: options.files,
    clock: options.clock,
    log,
    poll: options.poll,
    onChange: (changed) => {
      const file = relative(options.root, changed[0] as string) || (changed[0] as string);
      schedule(file);
    },
  });

  return {
    settled: () => passes.settled(),
    close() {
      closed = true;
      passes.close();
      watch.close();
    },
  };
}

/** The config file to watch for edits: the one loaded, or where one would be found. */
export function configFilesToWatch(
  config: ResolvedConfig,
  flagConfig: string | undefined,
): string[] {
  if (config.configFile) return [config.configFile];
  if (flagConfig !== undefined) return [resolve(process.cwd(), flagConfig)];
  return CONFIG_FILE_NAMES.map((name) => resolve(config.root, name));
}
