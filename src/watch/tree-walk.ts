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
import { linkRefusal } from "./symlink-guard.ts";

export interface WalkResult {
  /** Watched files and their stat signatures (`mtime:size:ino`). */
  files: Map<string, string>;
  dirs: Set<string>;
  /** Symlinked directories followed: where they appear and their real path. */
  links: { rel: string; real: string }[];
}

export interface ScanResult {
  dirs: Set<string>;
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
  /** Most directories one followed symlink may add (default MAX_LINKED_DIRS). */
  maxLinkedDirs?: number;
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

/**
 * Visits every watched regular file as (directory, name), with its stat only when
 * `withStat`: the file types come from readdir, so a walk without stat costs one syscall
 * a directory, not one a file (symlinks are stat'ed, to tell directories from files).
 */
export function scanTree(
  options: WalkOptions,
  withStat: boolean,
  visit: (dir: string, name: string, stat: Stats | null) => void,
): ScanResult {
  const { root, filter, log } = options;
  const result: ScanResult = { dirs: new Set(), links: [] };
  if (options.loadGitignores && options.start === "") {
    filter.setInfoExclude(readText(join(root, ".git", "info", "exclude"), log));
  }
  const stack = [options.start];
  while (stack.length > 0) {
    const dir = stack.pop() as string;
    const absDir = dir === "" ? root : join(root, dir);
    let entries: Dirent[];
    try {
      entries = readdirSync(absDir, { withFileTypes: true });
    } catch (error) {
      log.debug(`walk: cannot read ${dir || "."}/ (${(error as Error).message}); skipped`);
      continue;
    }
    result.dirs.add(dir);
    if (options.loadGitignores) {
      const has = entries.some((e) => e.name === ".gitignore" && !e.isDirectory());
      filter.setGitignore(dir, has ? readText(join(absDir, ".gitignore"), log) : null);
    }
    for (const entry of entries) {
      const name = entry.name;
      const link = entry.isSymbolicLink();
      let stat: Stats | null = null;
      let isDir = entry.isDirectory();
      // Some file systems give no type in readdir: stat those too.
      if (link || withStat || !(isDir || entry.isFile())) {
        try {
          stat = link ? statSync(join(absDir, name)) : lstatSync(join(absDir, name));
        } catch (error) {
          log.debug(
            `walk: ${childRel(dir, name)} vanished or is a broken link (${(error as Error).message})`,
          );
          continue;
        }
        isDir = stat.isDirectory();
      }
      if (!isDir && !(stat ? stat.isFile() : entry.isFile())) continue;
      const rel = childRel(dir, name);
      if (filter.ignores(rel, isDir)) continue;
      if (!isDir) {
        visit(dir, name, stat);
        continue;
      }
      if (link) {
        if (!options.followSymlinks) {
          log.debug(`walk: ${rel} is a symlinked directory; not followed (follow_symlinks: false)`);
          continue;
        }
        const real = realpathSync(join(absDir, name));
        const refused = linkRefusal(
          options.visitedReal,
          real,
          rel,
          (sub) => filter.ignores(sub, true),
          options.maxLinkedDirs,
        );
        if (refused !== null) {
          const line = `symlink ${rel} → ${real} not followed: ${refused.reason}`;
          if (refused.warn) log.warn(line);
          else log.debug(`walk: ${line}`);
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

/**
 * A walk with every file's stat signature: the polling baseline and what a poll compares.
 * With `changedSince` (wall-clock ms), `changed` lists the files whose ctime is not older,
 * with that ctime.
 */
export function walkTree(
  options: WalkOptions,
  changedSince = Number.POSITIVE_INFINITY,
): WalkResult & { changed: [path: string, ctimeMs: number][] } {
  const files = new Map<string, string>();
  const changed: [string, number][] = [];
  const { dirs, links } = scanTree(options, true, (dir, name, stat) => {
    const rel = childRel(dir, name);
    files.set(rel, statSignature(stat as Stats));
    if ((stat as Stats).ctimeMs >= changedSince) changed.push([rel, (stat as Stats).ctimeMs]);
  });
  return { files, dirs, links, changed };
}
