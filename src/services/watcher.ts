/**
 * The one watcher of a run with services: armed from the services' roots, `watch` dirs and
 * filters (route.ts plans it), its batches routed to the services they concern. Armed
 * again, whole, after a live config edit changes what is watched.
 */
import { watchSettingsFrom } from "../cli/watch-options.ts";
import type { Clock } from "../clock.ts";
import type { ResolvedConfig } from "../config/schema.ts";
import type { EventBus } from "../events/bus.ts";
import type { Logger } from "../log.ts";
import { stateDir } from "../run/pidfile.ts";
import { createWatchSet } from "../watch/index.ts";
import type { ChangeStream } from "../watch/types.ts";
import type { ResolvedService } from "./resolve.ts";
import { createRouter, type RoutedBatch } from "./route.ts";

export async function watchServices(options: {
  services: readonly ResolvedService[];
  /** The top level: the watcher's own settings (debounce, poll, symlinks) are the run's. */
  top: ResolvedConfig;
  clock: Clock;
  bus: EventBus;
  log: Logger;
  onRouted(batches: RoutedBatch[]): void;
  /** The watched root was deleted or replaced / is back (see the single-service run). */
  onRootGone?(): void;
  onRootBack?(): void;
}): Promise<ChangeStream> {
  const { top, log } = options;
  const router = createRouter(
    options.services.map((s) => ({
      name: s.name,
      root: s.config.root,
      extraRoots: s.config.watch,
      ext: s.config.ext,
      ignorePatterns: s.config.ignore_patterns,
      alwaysIgnore: watchSettingsFrom(s.config, s.outputs).alwaysIgnore,
    })),
  );
  return createWatchSet({
    root: router.plan.root,
    extraRoots: router.plan.extraRoots,
    ext: router.plan.ext,
    ignorePatterns: [],
    alwaysIgnore: [...router.plan.alwaysIgnore, stateDir()],
    debounceMs: top.debounce,
    debounceMaxMs: top.debounce_max,
    poll: top.poll,
    followSymlinks: top.follow_symlinks,
    clock: options.clock,
    bus: options.bus,
    log,
    onRootGone: options.onRootGone,
    onRootBack: options.onRootBack,
    onBatch: (batch) => {
      const routed = router.route(batch);
      if (routed.length === 0)
        log.debug(`no service watches ${batch.changes.map((c) => c.path).join(", ")}`);
      options.onRouted(routed);
    },
  });
}
