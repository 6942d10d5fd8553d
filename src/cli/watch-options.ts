/**
 * What the watcher is armed with, from the resolved configuration: the same at start and
 * after a live config edit, so both arm it alike.
 */
import { projectCacheDir } from "../config/dirs.ts";
import type { ResolvedConfig } from "../config/schema.ts";
import { compileRules, rulesWithLiveCss } from "../engine/rules.ts";
import { stateDir } from "../run/pidfile.ts";
import type { WatchSetOptions } from "../watch/watch-set.ts";

export type WatchSettings = Omit<WatchSetOptions, "clock" | "bus" | "log" | "onBatch">;

export function watchSettingsFrom(
  config: ResolvedConfig,
  outputs: readonly string[],
): WatchSettings {
  return {
    root: config.root,
    extraRoots: config.watch,
    ext: config.ext,
    ignorePatterns: config.ignore_patterns,
    alsoWatch: ruleFiles(config),
    alwaysIgnore: [
      // Our own files, wherever the environment puts them (even inside the project).
      ...outputs,
      stateDir(),
      projectCacheDir(config.root),
      // Watched on their own: an env file restarts, the config file reconfigures.
      ...config.env_file,
      ...(config.configFile ? [config.configFile] : []),
      // An extra directory above the root must not watch the root a second time.
      config.root,
    ],
    debounceMs: config.debounce,
    debounceMaxMs: config.debounce_max,
    poll: config.poll,
    followSymlinks: config.follow_symlinks,
  };
}

/** A rule is a request to watch what it matches (an `ignore` rule only when it runs something). */
function ruleFiles(config: ResolvedConfig): ((rel: string) => boolean) | undefined {
  const rules = compileRules(
    rulesWithLiveCss(config).filter((r) => r.action !== "ignore" || r.run !== null),
  );
  if (rules.length === 0) return undefined;
  return (rel) => rules.some((r) => r.test(rel));
}
