/**
 * Zero configuration: recognise the common project kinds from their own files and propose
 * build, exec, ext, ignores, outputs, env and extra watch paths. One file per ecosystem;
 * reading files (through the context) is the only IO, the rest is pure.
 */
import { detectBun } from "./bun.ts";
import { createDetectContext } from "./context.ts";
import { detectGo } from "./go.ts";
import { compiledOutputDirs, detectPackage } from "./node.ts";
import { readPackage } from "./package-json.ts";
import { detectPython } from "./python.ts";
import { detectedRules } from "./rules.ts";
import { detectRust } from "./rust.ts";
import type { Detection, DetectOptions } from "./types.ts";

export { CACHE_DIR_VARIABLE } from "./context.ts";
export { isPythonCommand, PYTHON_ENV } from "./python.ts";
export type { Detection, DetectOptions, ProjectKind } from "./types.ts";

/**
 * What triggers a restart when nothing was detected and `ext` is not set: source and
 * template files, not docs, styles, images or lockfiles.
 */
export const SOURCE_EXT: readonly string[] = [
  ".go",
  ".rs",
  ".py",
  ".rb",
  ".php",
  ".java",
  ".kt",
  ".scala",
  ".cs",
  ".fs",
  ".ex",
  ".exs",
  ".erl",
  ".clj",
  ".c",
  ".h",
  ".cc",
  ".cpp",
  ".hpp",
  ".zig",
  ".swift",
  ".dart",
  ".lua",
  ".pl",
  ".sh",
  ".ts",
  ".tsx",
  ".js",
  ".jsx",
  ".mjs",
  ".cjs",
  ".mts",
  ".cts",
  ".json",
  ".toml",
  ".yaml",
  ".yml",
  ".ini",
  ".env",
  ".sql",
  ".html",
  ".tmpl",
  ".tpl",
  ".ejs",
  ".pug",
  ".hbs",
  ".erb",
  ".jinja",
  ".jinja2",
  ".mod",
  ".sum",
];

/**
 * `portable` writes commands for a config file to commit: the cache directory is named
 * through $HOTRELOAD_CACHE_DIR instead of this machine's absolute path.
 */
export function detectProject(root: string, options: DetectOptions = {}): Detection | null {
  const ctx = createDetectContext(root, options);
  const found = detectKind(ctx);
  return found ? { ...found, rules: [...found.rules, ...detectedRules(ctx, found.kind)] } : null;
}

function detectKind(ctx: ReturnType<typeof createDetectContext>): Detection | null {
  // The root's own manifests first; a go.mod or go.work further up (the root is a
  // directory inside a Go module) only when the root has none of its own.
  if (ctx.isFile("go.mod") || ctx.isFile("go.work")) return detectGo(ctx);
  const pkg = readPackage(ctx);
  if (pkg !== null) return detectBun(ctx, pkg) ?? detectPackage(ctx, pkg, "node");
  return detectRust(ctx) ?? detectPython(ctx) ?? detectGo(ctx);
}

/**
 * An exec that runs files from a TypeScript output directory with no build to refresh
 * them would serve stale code after every ✓: say so at start.
 */
export function staleOutputWarnings(
  root: string,
  config: { build: string | null; exec: string | null },
): string[] {
  if (config.build || !config.exec) return [];
  const ctx = createDetectContext(root);
  const dir = compiledOutputDirs(ctx).find((d) =>
    config.exec?.split(/\s+/).some((w) => w.replace(/^\.\//, "").startsWith(`${d}/`)),
  );
  if (!dir) return [];
  return [
    `\`exec\` runs files from ${dir}/, which are built from your sources, but there is no \`build\`: edits would restart stale code. Set \`build\` (e.g. \`tsc -p tsconfig.json\`).`,
  ];
}
