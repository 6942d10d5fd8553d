/**
 * Live configuration with services: an edit of the config file is resolved again and,
 * when the services and their graph are the same, applied service by service (new
 * settings for its engine, then the rebuild or restart its plan asks for), the watcher
 * armed again if what is watched changed. An invalid edit changes nothing and says where
 * it is wrong; edits during an apply are merged into one more pass.
 */
import { relative } from "node:path";
import { describePlan } from "../cli/config-plan.ts";
import { createMergedPasses } from "../cli/merged-passes.ts";
import type { Clock } from "../clock.ts";
import type { ResolvedConfig } from "../config/schema.ts";
import type { Result } from "../errors.ts";
import type { EventBus } from "../events/bus.ts";
import type { Logger } from "../log.ts";
import { watchFiles } from "../watch/file-watch.ts";
import { planServicesChange } from "./live-plan.ts";
import type { LoadedRun, LoadedServices } from "./resolve.ts";

export interface LiveServicesParts {
  reconfigure(name: string, config: ResolvedConfig): void;
  reloadEnvFiles(name: string, config: ResolvedConfig): void;
  rearmWatcher(next: LoadedServices): Promise<void>;
  act(name: string, action: "rebuild" | "restart", file: string): void;
}

export function startLiveServices(options: {
  file: string;
  initial: LoadedServices;
  selected: readonly string[];
  load(): Result<LoadedRun>;
  parts: LiveServicesParts;
  poll: false | number;
  clock: Clock;
  bus: EventBus;
  log: Logger;
}): { settled(): Promise<void>; close(): void } {
  const { bus, parts } = options;
  let current = options.initial;
  const notice = (level: "info" | "warn" | "error", message: string, service?: string) =>
    bus.emit({ type: "notice", level, tag: "config", message, ...(service ? { service } : {}) });
  const shown = relative(current.top.root, options.file) || options.file;

  async function pass(): Promise<void> {
    const loaded = options.load();
    if (!loaded.ok) {
      const details = loaded.error.details?.length ? `\n${loaded.error.details.join("\n")}` : "";
      notice(
        "error",
        `${loaded.error.message}${details}\nthe running configuration is kept; fix the file and save again`,
      );
      return;
    }
    if (loaded.value.kind === "single") {
      notice(
        "warn",
        `${shown}: \`services\` was removed; restart hotreload to run it as one service`,
      );
      return;
    }
    const next = loaded.value.loaded;
    const plan = planServicesChange(current, next, options.selected);
    if (plan.structural) {
      notice("warn", `${shown}: ${plan.structural}; restart hotreload to apply it`);
      return;
    }
    if (plan.notLive.length > 0)
      notice(
        "warn",
        `${shown}: ${plan.notLive.join(", ")} take effect when hotreload starts again`,
      );
    if (plan.services.length === 0 && plan.notLive.length === 0)
      notice("info", `${shown} saved; nothing in the resolved configuration changed`);
    current = next;
    for (const { name, plan: one } of plan.services) {
      const config = next.services.find((s) => s.name === name)?.config as ResolvedConfig;
      notice(one.notLive.length > 0 ? "warn" : "info", describePlan(one, shown), name);
      parts.reconfigure(name, config);
      if (one.reloadEnvFiles) parts.reloadEnvFiles(name, config);
    }
    if (plan.rearmWatcher) await parts.rearmWatcher(next);
    for (const { name, plan: one } of plan.services)
      if (one.action) parts.act(name, one.action, shown);
  }

  const passes = createMergedPasses(pass, (error) =>
    notice("error", `the new configuration could not be applied: ${String(error)}`),
  );

  const watch = watchFiles({
    files: [options.file],
    clock: options.clock,
    log: options.log,
    poll: options.poll,
    onChange: () => passes.request(),
  });
  return {
    settled: () => passes.settled(),
    close() {
      passes.close();
      watch.close();
    },
  };
}
