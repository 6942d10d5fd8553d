/**
 * What a live edit of the configuration asks for, from the resolved configuration before
 * and after it. Pure: the keys that differ decide the moves (rebuild, restart, re-arm the
 * watcher, move the dashboard), and the keys that cannot change while running are named.
 */
import type { ResolvedConfig } from "../config/schema.ts";

export interface ConfigPlan {
  /** Key paths that differ, e.g. `build`, `health_check.url`. */
  changed: string[];
  action: "rebuild" | "restart" | null;
  /** Filters, extra directories, polling or debounce changed: the watcher starts afresh. */
  rearmWatcher: boolean;
  /** The env file list changed: the env files are re-read and watched anew. */
  reloadEnvFiles: boolean;
  moveDashboard: boolean;
  /** Keys that take effect only when hotreload starts again. */
  notLive: string[];
}

type Effect = "rebuild" | "restart" | "watch" | "envFiles" | "dashboard" | "settings";

/** Top-level keys (or key.sub) and what a change to them needs. Anything else: not live. */
const EFFECTS: Record<string, Effect[]> = {
  build: ["rebuild"],
  exec: ["restart"],
  entry: ["restart"],
  env: ["restart"],
  env_file: ["restart", "envFiles", "watch"],
  health_check: ["restart"],
  stop: ["settings"],
  crash: ["settings"],
  on_busy: ["settings"],
  restart: ["settings"],
  // Engine settings too (compiled into them by the loop): the next change uses them.
  rules: ["settings"],
  hooks: ["settings"],
  ext: ["watch"],
  watch: ["watch"],
  ignore_patterns: ["watch"],
  follow_symlinks: ["watch"],
  poll: ["watch", "envFiles"],
  debounce: ["watch"],
  debounce_max: ["watch"],
  dashboard: ["dashboard"],
};

function diffPaths(a: unknown, b: unknown, prefix: string): string[] {
  const plain = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);
  if (plain(a) && plain(b)) {
    const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
    return [...keys].flatMap((k) =>
      diffPaths(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        prefix ? `${prefix}.${k}` : k,
      ),
    );
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [prefix];
}

export function planConfigChange(before: ResolvedConfig, after: ResolvedConfig): ConfigPlan {
  // `configFile` and `detected` describe where settings came from, not settings.
  const { configFile: _a, detected: _b, ...was } = before;
  const { configFile: _c, detected: _d, ...now } = after;
  const changed = diffPaths(was, now, "");
  const effects = new Set<Effect>();
  const notLive: string[] = [];
  for (const path of changed) {
    const top = path.split(".")[0] as string;
    const found = EFFECTS[top];
    if (found) for (const effect of found) effects.add(effect);
    else notLive.push(path);
  }
  return {
    changed,
    action: effects.has("rebuild") ? "rebuild" : effects.has("restart") ? "restart" : null,
    rearmWatcher: effects.has("watch"),
    reloadEnvFiles: effects.has("envFiles"),
    moveDashboard: effects.has("dashboard"),
    notLive,
  };
}

/** One line for the user: what changed and what hotreload does about it. */
export function describePlan(plan: ConfigPlan, file: string): string {
  if (plan.changed.length === 0)
    return `${file} saved; nothing in the resolved configuration changed`;
  const live = plan.changed.filter((path) => !plan.notLive.includes(path));
  const moves = [
    plan.action === "rebuild"
      ? "rebuilding"
      : plan.action === "restart"
        ? "restarting the server"
        : "",
    plan.rearmWatcher ? "watching with the new filters" : "",
    plan.moveDashboard ? "restarting the dashboard" : "",
  ].filter(Boolean);
  const applied =
    live.length > 0
      ? `${file} changed (${live.join(", ")}): ${moves.length > 0 ? moves.join(", ") : "applied"}`
      : `${file} changed`;
  const later =
    plan.notLive.length > 0
      ? `; ${plan.notLive.join(", ")} cannot change while running: restart hotreload to apply ${plan.notLive.length === 1 ? "it" : "them"}`
      : "";
  return `${applied}${later}`;
}
