/**
 * Zero configuration: recognise the common project kinds from their own files and propose
 * build, exec, ext, ignores, outputs, env and extra watch paths. One file per ecosystem;
 * reading files (through the context) is the only IO, the rest is pure.
 */
import { detectBun } from "./bun.ts";
import { createDetectContext } from "./context.ts";
import { detectGo } from "./go.ts";
import { detectPackage } from "./node.ts";
import { readPackage } from "./package-json.ts";
import { detectPython } from "./python.ts";
import { detectRust } from "./rust.ts";
import type { DetectOptions, Detection } from "./types.ts";

export { CACHE_DIR_VARIABLE } from "./context.ts";
export { isPythonCommand, PYTHON_ENV } from "./python.ts";
export type { DetectOptions, Detection, ProjectKind } from "./types.ts";

/**
 * What triggers a restart when nothing was detected and `ext` is not set: source and
 * template files, not docs, styles, images or lockfiles.
 */
export const SOURCE_EXT: readonly string[] = [
  ".go", ".rs", ".py", ".rb", ".php", ".java", ".kt", ".scala", ".cs", ".fs", ".ex", ".exs",
  ".erl", ".clj", ".c", ".h", ".cc", ".cpp", ".hpp", ".zig", ".swift", ".dart", ".lua", ".pl",
  ".sh", ".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts", ".json", ".toml",
  ".yaml", ".yml", ".ini", ".env", ".sql", ".html", ".tmpl", ".tpl", ".ejs", ".pug", ".hbs",
  ".erb", ".jinja", ".jinja2", ".mod", ".sum",
];

/**
 * `portable` writes commands for a config file to commit: the cache directory is named
 * through $HOTRELOAD_CACHE_DIR instead of this machine's absolute path.
 */
export function detectProject(root: string, options: DetectOptions = {}): Detection | null {
  const ctx = createDetectContext(root, options);
  const go = detectGo(ctx);
  if (go) return go;
  const pkg = readPackage(ctx);
  if (pkg !== null) return detectBun(ctx, pkg) ?? detectPackage(ctx, pkg, "node");
  return detectRust(ctx) ?? detectPython(ctx);
}
