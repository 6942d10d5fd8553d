/**
 * Decides which paths can trigger a rebuild, and says why a path cannot. Pure: paths are
 * relative to the root with forward slashes; `.gitignore` texts are handed in by the caller.
 * A path is ignored when any ancestor directory is (git cannot re-include below an
 * excluded directory), so ancestors are tested first and their verdicts cached.
 */
import { relative, sep } from "node:path";
import picomatch from "picomatch";
import { DEFAULT_IGNORED_DIRS, DEFAULT_IGNORED_FILES } from "./default-ignores.ts";
import { createGitignoreRules } from "./gitignore-rules.ts";

export interface FilterOptions {
  /** Absolute root; used only to relate `alwaysIgnore` to it. */
  root: string;
  ext: readonly string[];
  ignorePatterns: readonly string[];
  /** Files to watch although `ext` leaves them out (those a rule matches). */
  alsoWatch?: (rel: string) => boolean;
  alwaysIgnore: readonly string[];
  /** Skip node_modules/, vendor/ and editor litter (default true). */
  defaults?: boolean;
}

export interface PathFilter {
  ignores(rel: string, isDir: boolean): boolean;
  /** Why `rel` is ignored (for debug logs), or null when it is watched. */
  reason(rel: string, isDir?: boolean): string | null;
  /** Sets or removes (null) the `.gitignore` of directory `dir` ("" = root). */
  setGitignore(dir: string, text: string | null): void;
  setInfoExclude(text: string | null): void;
  gitignoreDirectories(): string[];
}

interface Glob {
  pattern: string;
  dirOnly: boolean;
  /** Patterns without a slash match a base name at any depth, like .gitignore. */
  onBasename: boolean;
  match: (path: string) => boolean;
}

function compileGlob(raw: string): Glob {
  let pattern = raw.trim();
  const dirOnly = pattern.endsWith("/");
  if (dirOnly) pattern = pattern.slice(0, -1);
  if (pattern.startsWith("./")) pattern = pattern.slice(2);
  if (pattern.startsWith("/")) pattern = pattern.slice(1);
  const onBasename = !pattern.includes("/");
  return { pattern: raw, dirOnly, onBasename, match: picomatch(pattern, { dot: true }) };
}

function baseName(rel: string): string {
  return rel.slice(rel.lastIndexOf("/") + 1);
}

export function normalizeExt(ext: readonly string[]): string[] {
  return ext
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e !== "")
    .map((e) => (e.startsWith(".") ? e : `.${e}`));
}

export function createPathFilter(options: FilterOptions): PathFilter {
  const exts = normalizeExt(options.ext);
  const userGlobs = options.ignorePatterns.filter((p) => p.trim() !== "").map(compileGlob);
  const useDefaults = options.defaults ?? true;
  const defaultFileGlobs = useDefaults ? DEFAULT_IGNORED_FILES.map(compileGlob) : [];
  const defaultDirs = new Set(useDefaults ? DEFAULT_IGNORED_DIRS : []);
  const always = options.alwaysIgnore
    .map((abs) => relative(options.root, abs).split(sep).join("/"))
    .filter((rel) => rel !== "" && !rel.startsWith("..") && !rel.startsWith("/"));
  const alwaysSet = new Set(always);
  // The default editor globs are plain base-name patterns: one regular expression for all.
  const editorRe =
    defaultFileGlobs.length === 0
      ? null
      : new RegExp(
          defaultFileGlobs.map((g) => picomatch.makeRe(g.pattern, { dot: true }).source).join("|"),
        );
  const gitignore = createGitignoreRules();
  const dirCache = new Map<string, string | null>();

  function globHit(globs: readonly Glob[], rel: string, isDir: boolean): Glob | undefined {
    return globs.find((g) => (!g.dirOnly || isDir) && g.match(g.onBasename ? baseName(rel) : rel));
  }

  /** The reason `rel` itself is ignored, ignoring its ancestors. */
  function own(rel: string, isDir: boolean): string | null {
    const name = baseName(rel);
    const hit = always.find((a) => rel === a);
    if (hit !== undefined) return `always ignored: ${hit} (build output or cache)`;
    if (name === ".git") return "inside .git/";
    if (isDir && defaultDirs.has(name)) return `default ignore: ${name}/`;
    const user = globHit(userGlobs, rel, isDir);
    if (user) return `ignore_patterns \`${user.pattern}\``;
    if (!isDir) {
      const editor = globHit(defaultFileGlobs, rel, false);
      if (editor) return `default ignore: editor or OS file \`${editor.pattern}\``;
    }
    const git = gitignore.test(rel, isDir);
    if (git?.ignored) return `ignored by ${git.source}`;
    if (!isDir && exts.length > 0 && !options.alsoWatch?.(rel)) {
      const lower = name.toLowerCase();
      if (!exts.some((e) => lower.endsWith(e))) {
        const dot = name.lastIndexOf(".");
        const found = dot > 0 ? `extension ${name.slice(dot)}` : `file without extension (${name})`;
        return `${found} not in ext (${exts.join(", ")})`;
      }
    }
    return null;
  }

  function dirReason(dir: string): string | null {
    const cached = dirCache.get(dir);
    if (cached !== undefined) return cached;
    const slash = dir.lastIndexOf("/");
    const parent = slash === -1 ? null : dirReason(dir.slice(0, slash));
    const result = parent ?? own(dir, true);
    dirCache.set(dir, result);
    return result;
  }

  function reason(rel: string, isDir = false): string | null {
    if (rel === "" || rel === ".") return null;
    const slash = rel.lastIndexOf("/");
    const parent = slash === -1 ? null : dirReason(rel.slice(0, slash));
    return parent ?? (isDir ? dirReason(rel) : own(rel, false));
  }

  /**
   * `own(rel, false) !== null`, cheapest and most selective checks first (the walk asks
   * this of every file; only the reason's wording depends on the order).
   */
  function fileIgnored(rel: string, name: string): boolean {
    if (exts.length > 0) {
      const lower = name.toLowerCase();
      if (!exts.some((e) => lower.endsWith(e)) && !options.alsoWatch?.(rel)) return true;
    }
    if (name === ".git" || alwaysSet.has(rel)) return true;
    if (editorRe?.test(name)) return true;
    if (userGlobs.length > 0 && globHit(userGlobs, rel, false)) return true;
    return gitignore.test(rel, false)?.ignored === true;
  }

  function ignores(rel: string, isDir: boolean): boolean {
    if (rel === "" || rel === ".") return false;
    const slash = rel.lastIndexOf("/");
    if (slash !== -1 && dirReason(rel.slice(0, slash)) !== null) return true;
    if (isDir) return dirReason(rel) !== null;
    return fileIgnored(rel, slash === -1 ? rel : rel.slice(slash + 1));
  }

  return {
    reason,
    ignores,
    setGitignore(dir, text) {
      if (gitignore.setDirectory(dir, text)) dirCache.clear();
    },
    setInfoExclude(text) {
      if (gitignore.setInfoExclude(text)) dirCache.clear();
    },
    gitignoreDirectories: () => gitignore.directories(),
  };
}
