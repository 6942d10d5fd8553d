/**
 * Zero-config rules: templates a server reads when it starts restart it without a build;
 * static files it serves from disk only reload the browser. Never for files compiled into
 * the program: a Go project that uses `//go:embed` gets no rules (an embedded template or
 * asset needs a rebuild, which is what an unmatched file does).
 */
import { join } from "node:path";
import type { RuleConfig } from "../../engine/rules.ts";
import type { DetectContext, ProjectKind } from "./types.ts";

const rule = (match: string[], action: RuleConfig["action"]): RuleConfig => ({
  match,
  action,
  run: null,
});

const GO_TEMPLATES = ["**/*.tmpl", "**/*.gohtml", "**/templates/**/*.html", "**/views/**/*.html"];
/** Directories many frameworks serve as they are, at the root (Express, Flask, Go's FileServer). */
const STATIC_DIRS = ["public", "static"];
const MAX_GO_FILES = 400;

export function detectedRules(ctx: DetectContext, kind: ProjectKind): RuleConfig[] {
  if (kind === "rust") return [];
  if (kind === "go" && usesGoEmbed(ctx)) return [];
  const statics = STATIC_DIRS.filter((d) => ctx.isDir(d)).map((d) => `${d}/**`);
  const rules: RuleConfig[] = [];
  if (kind === "go") rules.push(rule(GO_TEMPLATES, "restart"));
  // Views and templates: Express's views/ (express-generator), Flask's and Django's templates/.
  if (kind === "node" || kind === "bun") rules.push(rule(["views/**"], "restart"));
  if (kind === "python") rules.push(rule(["**/templates/**"], "restart"));
  if (statics.length > 0) rules.push(rule(statics, "reload"));
  return rules;
}

/** Whether any Go file (near the root: three levels, a bounded number) embeds files. */
function usesGoEmbed(ctx: DetectContext): boolean {
  let read = 0;
  const visit = (dir: string, depth: number): boolean => {
    for (const name of ctx.list(dir)) {
      if (name.startsWith(".") || name === "vendor" || name === "node_modules") continue;
      const path = dir === "" ? name : join(dir, name);
      if (name.endsWith(".go") && !name.endsWith("_test.go")) {
        if (++read > MAX_GO_FILES) return true; // too many to tell: the safe answer
        if (/^\s*\/\/go:embed\s/m.test(ctx.read(path) ?? "")) return true;
      } else if (depth < 3 && ctx.isDir(path) && visit(path, depth + 1)) return true;
    }
    return false;
  };
  return visit("", 0);
}
