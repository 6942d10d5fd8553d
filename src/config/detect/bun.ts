/**
 * Bun: a package with Bun's lockfile, bunfig.toml or Bun's types is run with `bun` (which
 * runs TypeScript as it is, so there is no build); its scripts' `bun --hot`/`--watch` lose
 * their own watcher. A Bun project may be just one top-level `.ts` file beside package.json.
 */
import { dirname, join } from "node:path";
import { detectPackage } from "./node.ts";
import { hasDependency, type PackageJson } from "./package-json.ts";
import type { DetectContext, Detection } from "./types.ts";

const LOCKFILES = ["bun.lock", "bun.lockb", "package-lock.json", "yarn.lock", "pnpm-lock.yaml"];

/** The nearest lockfile here or in a workspace parent says which package manager it is. */
function nearestLockfile(ctx: DetectContext): string | null {
  for (let dir = ctx.root; ; dir = dirname(dir)) {
    const found = LOCKFILES.find((f) => ctx.isFile(join(dir, f)));
    if (found) return found;
    if (dirname(dir) === dir) return null;
  }
}

export function isBunProject(ctx: DetectContext, pkg: PackageJson): boolean {
  const lockfile = nearestLockfile(ctx);
  return (
    lockfile === "bun.lock" ||
    lockfile === "bun.lockb" ||
    ctx.isFile("bunfig.toml") ||
    hasDependency(pkg, "@types/bun") ||
    hasDependency(pkg, "bun-types") ||
    Object.values(pkg.scripts ?? {}).some((s) => typeof s === "string" && /^bun\s/.test(s))
  );
}

export function detectBun(ctx: DetectContext, pkg: PackageJson): Detection | null {
  return isBunProject(ctx, pkg) ? detectPackage(ctx, pkg, "bun") : null;
}
