/** How the terminal says what the rules decided for a batch. */
import type { RuleHit } from "./types.ts";

/** "views/index.hbs → restart", "2 files → reload (public/a.css, public/b.js)". */
export function firedText(hits: readonly RuleHit[], action: RuleHit["action"]): string | null {
  const fired = hits.filter((h) => h.action === action && h.rule !== null);
  const first = fired[0];
  if (!first) return null;
  if (fired.length === 1) return `${first.path} → ${action}`;
  const shown = fired.slice(0, 2).map((h) => h.path);
  const more = fired.length > 2 ? ` +${fired.length - 2}` : "";
  return `${fired.length} files → ${action} (${shown.join(", ")}${more})`;
}

/** The debug line of one file's decision. */
export function ruleText(hit: RuleHit): string {
  const why = hit.rule === null ? "no rule matched" : `rule ${hit.rule} (${hit.match})`;
  return `rules: ${hit.path} → ${hit.action}: ${why}`;
}
