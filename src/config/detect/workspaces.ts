/**
 * Packages a Node/Bun project depends on by path: `file:`/`link:` specs, and packages of
 * its workspace (npm, Bun and Yarn `workspaces`, pnpm-workspace.yaml) that it names as
 * dependencies (`workspace:*` or a plain range npm links). Their directories outside the
 * root are extra watch paths.
 */
import { dirname, join, resolve } from "node:path";
import { type PackageJson, readPackage } from "./package-json.ts";
import type { DetectContext } from "./types.ts";

function workspacePatterns(ctx: DetectContext, dir: string): string[] | null {
  const pkg = readPackage(ctx, dir);
  const field = pkg?.workspaces;
  const list = Array.isArray(field)
    ? field
    : typeof field === "object" &&
        field !== null &&
        Array.isArray((field as { packages?: unknown }).packages)
      ? (field as { packages: unknown[] }).packages
      : null;
  if (list) return list.filter((p): p is string => typeof p === "string");
  const pnpm = ctx.read(join(dir, "pnpm-workspace.yaml"));
  if (pnpm === null) return null;
  return [...pnpm.matchAll(/^\s*-\s*["']?([^"'\s#]+)["']?/gm)].map((m) => m[1] as string);
}

/** Directories of the workspace's packages: `packages/*` and exact paths (no deeper globs). */
function workspacePackages(
  ctx: DetectContext,
  rootDir: string,
  patterns: string[],
): Map<string, string> {
  const byName = new Map<string, string>();
  for (const pattern of patterns.filter((p) => !p.startsWith("!"))) {
    const clean = pattern.replace(/\/\*\*?$/, "");
    const dirs =
      clean === pattern
        ? [join(rootDir, pattern)]
        : ctx.list(join(rootDir, clean)).map((n) => join(rootDir, clean, n));
    for (const dir of dirs) {
      const name = readPackage(ctx, dir)?.name;
      if (typeof name === "string") byName.set(name, dir);
    }
  }
  return byName;
}

export function workspaceDependencyDirs(ctx: DetectContext, pkg: PackageJson): string[] {
  const deps = Object.entries({ ...pkg.devDependencies, ...pkg.dependencies }).filter(
    (e): e is [string, string] => typeof e[1] === "string",
  );
  if (deps.length === 0) return [];
  const dirs = new Set<string>();
  for (const [, spec] of deps) {
    const path = /^(file|link):(.+)$/.exec(spec)?.[2];
    if (path && !path.endsWith(".tgz")) dirs.add(resolve(ctx.root, path));
  }
  for (let dir = ctx.root; ; dir = dirname(dir)) {
    const patterns = workspacePatterns(ctx, dir);
    if (patterns) {
      const packages = workspacePackages(ctx, dir, patterns);
      for (const [name] of deps) {
        const found = packages.get(name);
        if (found) dirs.add(found);
      }
      break;
    }
    if (dirname(dir) === dir) break;
  }
  const inside = (d: string) =>
    d === ctx.root || d.startsWith(`${ctx.root}/`) || d.startsWith(`${ctx.root}\\`);
  return [...dirs].filter((d) => !inside(d) && ctx.isDir(d)).sort();
}
