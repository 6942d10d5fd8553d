/**
 * Walks a directory tree synchronously, skipping what the filter ignores (so ignored
 * directories are never entered), loading each `.gitignore` before its directory's
 * children are judged, and following symlinked directories only when asked, at most once
 * per real directory.
 */
import {
  type Dirent,
  lstatSync,
  readdirSync,
  readFileSync,
  realpathSync,
  type Stats,
  statSync,
} from "node:fs";
import { join } from "node:path";
import type { Logger } from "../log.ts";
import type { PathFilter } from "./filter.ts";
import { isLoop } from "./symlink-guard.ts";

export interface WalkResult {
  /** Watched files and their stat signatures (`mtime:size:ino`). */
  files: Map<string, string>;
  dirs: Set<string>;
  /** Symlinked directories followed: where they appear and their real path. */
  links: { rel: string; real: string }[];
}

export interface WalkOptions {
  root: string;
  /** Directory to start from, relative to root ("" = root). */
  start: string;
  filter: PathFilter;
  followSymlinks: boolean;
  /** Real paths of the directories already watched (root, followed links); grows. */
  visitedReal: Set<string>;
  /** Read `.gitignore` files into the filter on the way down. */
  loadGitignores: boolean;
  log: Logger;
}

export function statSignature(stat: Stats): string {
  return `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
}

export function readText(path: string, log: Logger): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    // Absent or unreadable: no rules from it, which is what git does too.
    log.debug(`no rules from ${path}: ${(error as Error).message}`);
    return null;
  }
}

function childRel(dir: string, name: string): string {
  return dir === "" ? name : `${dir}/${name}`;
}

export function walkTree(options: WalkOptions): WalkResult {
  const { root, filter, log } = options;
  const result: WalkResult = { files: new Map(), dirs: new Set(), links: [] };
  if (options.loadGitignores && options.start === "") {
    filter.setInfoExclude(readText(join(root, ".git", "info", "exclude"), log));
  }
  const stack = [options.start];
  while (stack.length > 0) {
    const dir = stack.pop() as string;
    let entries: Dirent[];
    try {
      entries = readdirSync(join(root, dir), { withFileTypes: true });
    } catch (error) {
      log.debug(`walk: cannot read ${dir || "."}/ (${(error as Error).message}); skipped`);
      continue;
    }
    result.dirs.add(dir);
    if (options.loadGitignores) {
      const has = entries.some((e) => e.name === ".gitignore" && !e.isDirectory());
      filter.setGitignore(dir, has ? readText(join(root, dir, ".gitignore"), log) : null);
    }
    for (const entry of entries) {
      const rel = childRel(dir, entry.name);
      const abs = join(root, rel);
      let stat: Stats;
      try {
        stat = entry.isSymbolicLink() ? statSync(abs) : lstatSync(abs);
      } catch (error) {
        log.debug(`walk: ${rel} vanished or is a broken link (${(error as Error).message})`);
        continue;
      }
      const isDir = stat.isDirectory();
      if (filter.ignores(rel, isDir)) continue;
      if (!isDir) {
        if (stat.isFile()) result.files.set(rel, statSignature(stat));
        continue;
      }
      if (entry.isSymbolicLink()) {
        if (!options.followSymlinks) {
          log.debug(`walk: ${rel} is a symlinked directory; not followed (follow_symlinks: false)`);
          continue;
        }
        const real = realpathSync(abs);
        const loop = isLoop(options.visitedReal, real);
        if (loop !== null) {
          log.debug(`walk: ${rel} → ${real} not followed: ${loop}`);
          continue;
        }
        options.visitedReal.add(real);
        result.links.push({ rel, real });
      }
      stack.push(rel);
    }
  }
  return result;
}
