/**
 * `check`'s "which files trigger what": walks the root (and the extra watch directories)
 * with the watcher's own filter and says which files would rebuild or restart the server,
 * and which never trigger and why, a few examples per reason. Bounded: a huge tree is
 * sampled, never read whole.
 */
import { type Dirent, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { ResolvedConfig } from "../config/schema.ts";
import { compileRules, decide, rulesWithLiveCss } from "../engine/rules.ts";
import { createPathFilter } from "../watch/filter.ts";
import { watchSettingsFrom } from "./watch-options.ts";

const MAX_ENTRIES = 20_000;
const EXAMPLES = 3;

export interface TriggerScan {
  triggers: string[];
  /** Reason → paths (directories end with `/`). */
  ignored: Map<string, string[]>;
  truncated: boolean;
}

/** "extension .md not in ext (.go, .mod, …)" reads as one reason, whatever the extension. */
const groupOf = (reason: string) => (/ not in ext /.test(reason) ? "extension not in ext" : reason);

export function scanTriggers(options: {
  root: string;
  ext: readonly string[];
  ignorePatterns: readonly string[];
  alwaysIgnore: readonly string[];
  alsoWatch?: (rel: string) => boolean;
}): TriggerScan {
  const filter = createPathFilter(options);
  const scan: TriggerScan = { triggers: [], ignored: new Map(), truncated: false };
  const ignore = (rel: string, reason: string) => {
    const key = groupOf(reason);
    scan.ignored.set(key, [...(scan.ignored.get(key) ?? []), rel]);
  };
  const pending = [""];
  let seen = 0;
  while (pending.length > 0) {
    const dir = pending.pop() as string;
    const abs = join(options.root, dir);
    let entries: Dirent[];
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch {
      // Unreadable directory: the watcher cannot see into it either; nothing to list.
      continue;
    }
    if (entries.some((e) => e.name === ".gitignore" && e.isFile()))
      filter.setGitignore(dir, readFileSync(join(abs, ".gitignore"), "utf8"));
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (++seen > MAX_ENTRIES) {
        scan.truncated = true;
        return scan;
      }
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      const isDir = entry.isDirectory();
      if (!isDir && !entry.isFile()) continue;
      const reason = filter.reason(rel, isDir);
      if (reason !== null) ignore(isDir ? `${rel}/` : rel, reason);
      else if (isDir) pending.push(rel);
      else scan.triggers.push(rel);
    }
  }
  return scan;
}

const sample = (paths: readonly string[]) =>
  paths.slice(0, EXAMPLES).join(", ") + (paths.length > EXAMPLES ? `, … (${paths.length})` : "");

/** The report as YAML comments, printed above the resolved configuration. */
export function triggersReport(config: ResolvedConfig, outputs: readonly string[]): string {
  const settings = watchSettingsFrom(config, outputs);
  const action = config.build ? "rebuild, then restart" : "restart";
  const lines = ["# what triggers what:"];
  const roots = [config.root, ...config.watch];
  for (const root of roots) {
    const scan = scanTriggers({ ...settings, root });
    const where = root === config.root ? "" : ` in ${relative(config.root, root) || root}`;
    const more = scan.truncated ? ` (first ${MAX_ENTRIES} entries only)` : "";
    // Rules are relative to the root: the files there are grouped by the rule that decides.
    const groups = root === config.root ? byRule(config, scan.triggers) : new Map();
    const plain = groups.get(null) ?? (root === config.root ? [] : scan.triggers);
    lines.push(
      plain.length > 0
        ? `#   ${action}${where}: ${plain.length} file${plain.length === 1 ? "" : "s"}${more} — ${sample(plain)}`
        : `#   ${action}${where}: no files yet${more}`,
    );
    for (const [rule, paths] of groups)
      if (rule !== null) lines.push(`#   ${ruleLine(config, rule, action)}: ${sample(paths)}`);
    for (const [reason, paths] of scan.ignored)
      lines.push(`#   nothing${where} (${reason}): ${sample(paths)}`);
  }
  for (const file of config.env_file)
    lines.push(`#   restart without a rebuild (env file): ${relative(config.root, file) || file}`);
  if (config.configFile)
    lines.push(`#   apply the new configuration: ${relative(config.root, config.configFile)}`);
  return `${lines.join("\n")}\n`;
}

/** Files by the index of the rule that decides for them; null: no rule (the default). */
function byRule(config: ResolvedConfig, files: readonly string[]): Map<number | null, string[]> {
  const rules = compileRules(rulesWithLiveCss(config));
  const groups = new Map<number | null, string[]>();
  for (const path of files) {
    const [hit] = decide(rules, [{ path, kind: "modify" }]).hits;
    const rule = hit?.rule ?? null;
    groups.set(rule, [...(groups.get(rule) ?? []), path]);
  }
  return groups;
}

function ruleLine(config: ResolvedConfig, index: number, rebuild: string): string {
  const rule = rulesWithLiveCss(config)[index];
  if (!rule) return "";
  if (rule.css)
    return `swap the stylesheets in open pages (live_reload.css: ${rule.match.join(", ")})`;
  const what = {
    rebuild,
    restart: "restart without a rebuild",
    reload: "reload the browsers",
    ignore: "nothing",
  }[rule.action];
  const run = rule.run ? `, running \`${rule.run.command}\` first` : "";
  return `${what}${run} (rule ${index}: ${rule.match.join(", ")})`;
}
