/**
 * Turns a raw "something happened at this path" into debounced changes. Native events
 * and polls say only where; the kind comes from looking: gone (delete, for a directory
 * every file known under it), a directory (walked, and a create synthesised for each file
 * not yet known, because files written in the same instant as `mkdir -p` can beat the
 * watch), a symlinked directory (followed when asked), or a file (create or modify).
 * Content is confirmed later, when the batch flushes.
 */
import { lstatSync, realpathSync, type Stats, statSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "../log.ts";
import type { Debouncer } from "./debounce.ts";
import type { PathFilter } from "./filter.ts";
import type { FingerprintStore } from "./fingerprint-store.ts";
import { linkRefusal } from "./symlink-guard.ts";
import { readText, scanTree } from "./tree-walk.ts";

export interface IntakeOptions {
  root: string;
  filter: PathFilter;
  store: FingerprintStore;
  debouncer: Debouncer;
  followSymlinks: boolean;
  visitedReal: Set<string>;
  log: Logger;
  onIgnored(rel: string, reason: string): void;
  /** A symlinked directory to follow appeared. */
  onLink(rel: string, real: string): void;
  /** A directory (or link) left the tree: forget its link watches. */
  onDirGone(rel: string): void;
  /** A `.gitignore` or `.git/info/exclude` changed and the filter has the new rules. */
  onRulesChanged(source: string): void;
}

export interface Intake {
  handle(rel: string): void;
  /** Adds what a walk found under a directory, synthesising creates for new files. */
  absorbDir(rel: string): void;
  /** Records a followed link found by the initial walk. */
  noteLink(rel: string, real: string): void;
}

function stripSlashes(rel: string): string {
  return rel.replace(/\\/g, "/").replace(/^\.\/|\/+$/g, "");
}

export function createIntake(options: IntakeOptions): Intake {
  const { root, filter, store, debouncer, log } = options;
  const knownLinks = new Map<string, string>();

  function reloadRules(rel: string): void {
    if (rel === ".git/info/exclude") {
      filter.setInfoExclude(readText(join(root, rel), log));
    } else {
      const dir = rel === ".gitignore" ? "" : rel.slice(0, -"/.gitignore".length);
      filter.setGitignore(dir, readText(join(root, rel), log));
    }
    log.debug(`rules reloaded from ${rel}`);
    options.onRulesChanged(rel);
  }

  function gone(rel: string): void {
    if (store.has(rel)) {
      store.markTouched(rel);
      debouncer.add(rel, "delete");
      return;
    }
    const under = store.filesUnder(rel);
    for (const file of under) debouncer.add(file, "delete");
    const real = knownLinks.get(rel);
    if (real !== undefined) {
      knownLinks.delete(rel);
      options.visitedReal.delete(real);
    }
    options.onDirGone(rel);
    if (under.length === 0) log.debug(`${rel}: gone before it was looked at; nothing known there`);
  }

  function absorbDir(rel: string): void {
    const found: string[] = [];
    const walk = scanTree(
      {
        root,
        start: rel,
        filter,
        followSymlinks: options.followSymlinks,
        visitedReal: options.visitedReal,
        loadGitignores: true,
        log,
      },
      false,
      (dir, name) => found.push(dir === "" ? name : `${dir}/${name}`),
    );
    for (const link of walk.links) {
      knownLinks.set(link.rel, link.real);
      options.onLink(link.rel, link.real);
    }
    for (const file of found) {
      if (!store.has(file)) debouncer.add(file, "create");
    }
  }

  function handle(raw: string): void {
    const rel = stripSlashes(raw);
    if (rel === "" || rel === ".") return;
    const name = rel.slice(rel.lastIndexOf("/") + 1);
    if (name === ".gitignore" || rel === ".git/info/exclude") reloadRules(rel);
    // Ignored whatever it is (file or directory): no need to look at it.
    const asDir = filter.reason(rel, true);
    if (asDir !== null && filter.ignores(rel, false)) {
      options.onIgnored(rel, asDir);
      return;
    }
    let stat: Stats;
    let real: string | null = null;
    try {
      stat = lstatSync(join(root, rel));
      if (stat.isSymbolicLink()) {
        stat = statSync(join(root, rel));
        real = realpathSync(join(root, rel));
      }
    } catch (error) {
      log.debug(`${rel}: ${(error as { code?: string }).code ?? "error"} on stat; treated as gone`);
      gone(rel);
      return;
    }
    const isDir = stat.isDirectory();
    const reason = filter.reason(rel, isDir);
    if (reason !== null) {
      options.onIgnored(rel, reason);
      return;
    }
    if (!isDir) {
      if (!stat.isFile()) {
        log.debug(`${rel}: not a regular file; ignored`);
        return;
      }
      store.markTouched(rel);
      debouncer.add(rel, store.has(rel) ? "modify" : "create", stat.size === 0);
      return;
    }
    if (real !== null) {
      if (!options.followSymlinks) {
        options.onIgnored(rel, "symlinked directory (follow_symlinks is off)");
        return;
      }
      const refused =
        knownLinks.get(rel) === real
          ? null
          : linkRefusal(options.visitedReal, real, rel, (sub) => filter.ignores(sub, true));
      if (refused !== null) {
        if (refused.warn) log.warn(`symlink ${rel} → ${real} not followed: ${refused.reason}`);
        options.onIgnored(rel, `symlink to ${real} not followed: ${refused.reason}`);
        return;
      }
      if (!knownLinks.has(rel)) {
        options.visitedReal.add(real);
        knownLinks.set(rel, real);
        options.onLink(rel, real);
      }
    }
    absorbDir(rel);
  }

  return {
    handle,
    absorbDir,
    noteLink: (rel, real) => knownLinks.set(rel, real),
  };
}
