/** The file-reading context the ecosystem detectors share: the only IO detection does. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { projectCacheDir } from "../dirs.ts";
import type { DetectContext, DetectOptions } from "./types.ts";

/** The variable the engine sets for build and exec: the project's cache directory. */
export const CACHE_DIR_VARIABLE = "HOTRELOAD_CACHE_DIR";

const shellQuote = (path: string) =>
  /^[\w@%+=:,./-]+$/.test(path) ? path : `"${path.replace(/(["\\$`])/g, "\\$1")}"`;

export function createDetectContext(root: string, options: DetectOptions = {}): DetectContext {
  const portable = options.portable === true;
  const platform = process.platform;
  const cacheDir = portable
    ? platform === "win32"
      ? `%${CACHE_DIR_VARIABLE}%`
      : `$${CACHE_DIR_VARIABLE}`
    : (options.cacheDir ?? projectCacheDir(root));
  const abs = (path: string) => (isAbsolute(path) ? path : join(root, path));
  const stat = (path: string) => {
    try {
      return statSync(abs(path));
    } catch {
      // Missing or unreadable: to detection both mean "this project has no such file".
      return null;
    }
  };
  return {
    root,
    portable,
    cacheDir,
    entry: options.entry ?? null,
    platform,
    exe: platform === "win32" ? ".exe" : "",
    abs,
    read(path) {
      if (!stat(path)?.isFile()) return null;
      try {
        return readFileSync(abs(path), "utf8");
      } catch {
        // Unreadable (permissions): treated as absent, like a missing manifest.
        return null;
      }
    },
    isFile: (path) => stat(path)?.isFile() === true,
    isDir: (path) => stat(path)?.isDirectory() === true,
    list(path) {
      try {
        return readdirSync(abs(path)).sort();
      } catch {
        // Not a directory (or unreadable): nothing to list.
        return [];
      }
    },
    quote: (path) => (portable && /[$%]/.test(path) ? `"${path}"` : shellQuote(path)),
  };
}
