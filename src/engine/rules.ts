/**
 * What a change batch triggers, from the `rules:` of the configuration. Pure: the first rule
 * whose globs match a file decides for that file (unmatched files rebuild); the batch gets
 * the strongest action of its files (rebuild > restart > reload; `ignore` drops a file), and
 * the `run` commands of the rules that matched, each once, in rule order.
 */
import picomatch from "picomatch";
import type { CommandSpec } from "../config/schema-commands.ts";
import type { FileChange, RuleAction, RuleHit } from "../events/types.ts";

export type { RuleAction, RuleHit };

export interface RuleConfig {
  readonly match: readonly string[];
  readonly action: RuleAction;
  readonly run: CommandSpec | null;
  /** The implicit rule of `live_reload.css`: pages swap stylesheets instead of reloading. */
  readonly css?: true;
}

export interface CompiledRule extends RuleConfig {
  /** Whether the rule is for this root-relative path. */
  test(path: string): boolean;
}

export interface Decision {
  /** The batch's action; `ignore` when every file was ignored. */
  action: RuleAction;
  /** The files that were not ignored. */
  changes: FileChange[];
  hits: RuleHit[];
  /** Commands to run before the action, in rule order, each once. */
  runs: { rule: number; run: CommandSpec }[];
}

const STRENGTH: Record<RuleAction, number> = { ignore: 0, reload: 1, restart: 2, rebuild: 3 };

export const strongest = <A extends RuleAction>(a: A, b: A): A =>
  STRENGTH[a] >= STRENGTH[b] ? a : b;

/** Globs as in `ignore_patterns`: `./` and `/` prefixes dropped; no `/` means the file name. */
function compileGlob(raw: string): (path: string) => boolean {
  let pattern = raw.trim();
  if (pattern.startsWith("./")) pattern = pattern.slice(2);
  if (pattern.startsWith("/")) pattern = pattern.slice(1);
  if (pattern.endsWith("/")) pattern = `${pattern}**`;
  const match = picomatch(pattern, { dot: true });
  if (pattern.includes("/")) return match;
  return (path) => match(path.slice(path.lastIndexOf("/") + 1));
}

/**
 * The user's rules, then (with the proxy's live reload on) `live_reload.css` as a last
 * `reload` rule: a save of only those stylesheets neither rebuilds nor restarts, and the
 * pages swap them in place. A user's rule for the same files comes first and wins.
 */
export function rulesWithLiveCss(config: {
  rules: readonly RuleConfig[];
  proxy: { enabled: boolean };
  live_reload: { enabled: boolean; css: readonly string[] };
}): RuleConfig[] {
  const { live_reload: live } = config;
  if (!config.proxy.enabled || !live.enabled || live.css.length === 0) return [...config.rules];
  return [...config.rules, { match: live.css, action: "reload", run: null, css: true }];
}

/**
 * Whether a `reload` batch is only stylesheets of `live_reload.css`: then pages swap them
 * in place. A user's `reload` rule for the same files (say `public/**`) still swaps them:
 * it asked for no restart, and an in-place swap is the lighter reload.
 */
export function onlyLiveCss(rules: readonly CompiledRule[], paths: readonly string[]): boolean {
  const css = rules.find((r) => r.css === true);
  return css !== undefined && paths.length > 0 && paths.every((p) => css.test(p));
}

export function compileRules(rules: readonly RuleConfig[]): CompiledRule[] {
  return rules.map((rule) => {
    const globs = rule.match.map(compileGlob);
    return { ...rule, test: (path: string) => globs.some((g) => g(path)) };
  });
}

export function decide(rules: readonly CompiledRule[], changes: readonly FileChange[]): Decision {
  let action: RuleAction = "ignore";
  const hits: RuleHit[] = [];
  const kept: FileChange[] = [];
  const ran = new Set<number>();
  for (const change of changes) {
    const index = rules.findIndex((r) => r.test(change.path));
    const rule = index >= 0 ? rules[index] : undefined;
    const fileAction = rule?.action ?? "rebuild";
    hits.push({
      path: change.path,
      action: fileAction,
      rule: rule ? index : null,
      match: rule ? rule.match.join(", ") : null,
    });
    if (rule?.run) ran.add(index);
    if (fileAction === "ignore") continue;
    kept.push(change);
    action = strongest(action, fileAction);
  }
  const runs = [...ran]
    .sort((a, b) => a - b)
    .flatMap((rule) => {
      const run = rules[rule]?.run;
      return run ? [{ rule, run }] : [];
    });
  return { action, changes: kept, hits, runs };
}
