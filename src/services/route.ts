/**
 * One watcher for every service. `watchPlan` turns the services' roots and `watch` dirs
 * into one set of disjoint directories (nothing walked or watched twice, however many
 * services share a tree) with filters every service can live with; `routeChanges` sends
 * each confirmed change to the services whose root or `watch` dir holds it and whose own
 * filters (ext, ignore_patterns, build outputs) let it through, named relative to that
 * service's root. `createRouter` adds a fingerprint per service over the files routed to
 * it, so "same content as the running build" is decided per service. Pure but for the
 * per-service stores it keeps.
 */
import { isAbsolute, relative, resolve, sep } from "node:path";
import type { FileChange } from "../events/types.ts";
import { createPathFilter, normalizeExt, type PathFilter } from "../watch/filter.ts";
import { createFingerprintStore, type FingerprintStore } from "../watch/fingerprint-store.ts";
import type { ChangeBatch } from "../watch/types.ts";
import { prefixFor } from "../watch/watch-set.ts";

export interface ServiceWatch {
  readonly name: string;
  /** Absolute root of the service. */
  readonly root: string;
  /** Absolute extra `watch` directories of the service. */
  readonly extraRoots: readonly string[];
  readonly ext: readonly string[];
  readonly ignorePatterns: readonly string[];
  /** Absolute paths this service never reacts to (its outputs, cache, env and config files). */
  readonly alwaysIgnore: readonly string[];
}

export interface WatchPlan {
  /** The directory changes are named relative to; the others are its extra roots. */
  readonly root: string;
  readonly extraRoots: readonly string[];
  /** Every service's extensions, or [] (every file) when one of them takes every file. */
  readonly ext: readonly string[];
  /** Ignored by every service: their outputs, caches, env files and the config file. */
  readonly alwaysIgnore: readonly string[];
}

const toSlash = (p: string) => p.split(sep).join("/");

/** `child` is `parent` or below it. */
function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

export function watchPlan(services: readonly ServiceWatch[]): WatchPlan {
  const dirs = [...new Set(services.flatMap((s) => [s.root, ...s.extraRoots]))].sort(
    (a, b) => a.length - b.length || a.localeCompare(b),
  );
  const kept: string[] = [];
  for (const dir of dirs) if (!kept.some((k) => isInside(k, dir))) kept.push(dir);
  // The first service's root (or the directory above it) names the changes.
  const first = services[0]?.root ?? kept[0] ?? ".";
  const main = kept.find((k) => isInside(k, first)) ?? (kept[0] as string);
  const everyFile = services.some((s) => normalizeExt(s.ext).length === 0);
  const ext = everyFile ? [] : [...new Set(services.flatMap((s) => normalizeExt(s.ext)))];
  // A path one service must not react to may still be another's source: only what no
  // service watches as its own source is ignored for all (outputs, caches, env files).
  const watched = services.flatMap((s) => [s.root, ...s.extraRoots]);
  const alwaysIgnore = [...new Set(services.flatMap((s) => s.alwaysIgnore))].filter(
    (abs) => !watched.some((dir) => isInside(abs, dir)),
  );
  return {
    root: main,
    extraRoots: kept.filter((k) => k !== main),
    ext,
    alwaysIgnore,
  };
}

interface CompiledService {
  readonly name: string;
  readonly root: string;
  /** The root first, then each extra dir, with the filter that applies below it. */
  readonly dirs: readonly { dir: string; prefix: string; filter: PathFilter }[];
}

export function compileRoutes(services: readonly ServiceWatch[]): CompiledService[] {
  return services.map((s) => ({
    name: s.name,
    root: s.root,
    dirs: [s.root, ...s.extraRoots].map((dir, i) => ({
      dir,
      prefix: i === 0 ? "" : `${prefixFor(s.root, dir)}/`,
      filter: createPathFilter({
        root: dir,
        ext: s.ext,
        ignorePatterns: s.ignorePatterns,
        // An extra dir above the root leaves the root to the root's own filter.
        alwaysIgnore: i === 0 ? s.alwaysIgnore : [...s.alwaysIgnore, s.root],
      }),
    })),
  }));
}

/**
 * Which services a batch concerns, and the changes as each of them names them. `watchRoot`
 * is the plan's root: batch paths are relative to it (`../shared/x.go`) or absolute.
 */
export function routeChanges(
  watchRoot: string,
  changes: readonly FileChange[],
  services: readonly CompiledService[],
): Map<string, { change: FileChange; original: string }[]> {
  const out = new Map<string, { change: FileChange; original: string }[]>();
  for (const change of changes) {
    const abs = resolve(watchRoot, change.path);
    for (const service of services) {
      const named = nameFor(service, abs);
      if (named === null) continue;
      const list = out.get(service.name) ?? [];
      list.push({ change: { ...change, path: named }, original: change.path });
      out.set(service.name, list);
    }
  }
  return out;
}

/** The path as `service` names it, or null when it is none of its business. */
function nameFor(service: CompiledService, abs: string): string | null {
  for (const { dir, prefix, filter } of service.dirs) {
    if (!isInside(dir, abs)) continue;
    const rel = toSlash(relative(dir, abs));
    if (rel === "") return null;
    return filter.ignores(rel, false) ? null : `${prefix}${rel}`;
  }
  return null;
}

export interface RoutedBatch {
  readonly service: string;
  readonly changes: FileChange[];
  /** Over the files of this service changed since the start (null: no hashes known). */
  readonly fingerprint: string | null;
}

export interface Router {
  readonly plan: WatchPlan;
  route(batch: ChangeBatch): RoutedBatch[];
}

/** Routing plus a fingerprint store per service, fed with the routed files' hashes. */
export function createRouter(services: readonly ServiceWatch[]): Router {
  const plan = watchPlan(services);
  const compiled = compileRoutes(services);
  const stores = new Map<string, FingerprintStore>(
    services.map((s) => [s.name, createFingerprintStore()]),
  );
  return {
    plan,
    route(batch) {
      const routed = routeChanges(plan.root, batch.changes, compiled);
      const out: RoutedBatch[] = [];
      for (const service of services) {
        const list = routed.get(service.name);
        if (!list) continue;
        const store = stores.get(service.name) as FingerprintStore;
        let known = batch.hashes !== undefined;
        for (const { change, original } of list) {
          const hash = batch.hashes?.get(original);
          if (hash === undefined) known = false;
          else if (hash === null) store.delete(change.path);
          else store.set(change.path, hash);
        }
        out.push({
          service: service.name,
          changes: list.map((l) => l.change),
          fingerprint: known ? store.fingerprint() : null,
        });
      }
      return out;
    },
  };
}
