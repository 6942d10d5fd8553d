/** package.json and tsconfig.json reading, and the commands that run a package's tools. */
import { dirname, join, relative } from "node:path";
import type { DetectContext } from "./types.ts";

export interface PackageJson {
  name?: unknown;
  main?: unknown;
  module?: unknown;
  scripts?: Record<string, unknown>;
  dependencies?: Record<string, unknown>;
  devDependencies?: Record<string, unknown>;
  workspaces?: unknown;
}

/** JSON with comments and trailing commas (tsconfig.json), or null when unreadable. */
export function parseJsonc(text: string | null): unknown {
  if (text === null) return null;
  const stripped = text
    .replace(/("(?:[^"\\]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (_, str) => str ?? "")
    .replace(/,(\s*[}\]])/g, "$1");
  try {
    return JSON.parse(stripped);
  } catch {
    // A broken tsconfig.json: detection goes on without it (tsc will report it on build).
    return null;
  }
}

export function readPackage(ctx: DetectContext, dir = "."): PackageJson | null {
  const text = ctx.read(join(dir, "package.json"));
  if (text === null) return null;
  const value = parseJsonc(text);
  // An unparsable package.json still marks a JS project; detection falls back to files.
  return typeof value === "object" && value !== null ? (value as PackageJson) : {};
}

export function hasDependency(pkg: PackageJson, name: string): boolean {
  return Boolean(pkg.dependencies?.[name] ?? pkg.devDependencies?.[name]);
}

/**
 * A package's own binary (node_modules/.bin here or in a workspace parent), as a path
 * relative to the root, since scripts find them there but a plain shell does not.
 */
export function resolveBin(ctx: DetectContext, name: string): string | null {
  if (!/^[\w@.-]+$/.test(name)) return null;
  for (let dir = ctx.root; ; dir = dirname(dir)) {
    const file = join(dir, "node_modules", ".bin", name);
    if (ctx.isFile(file)) {
      const rel = relative(ctx.root, file).split("\\").join("/");
      return rel.startsWith("..") ? rel : `./${rel}`;
    }
    if (dirname(dir) === dir) return null;
  }
}

export function runScriptCommand(runtime: "node" | "bun", name: string): string {
  return runtime === "bun" ? `bun run ${name}` : `npm run ${name} --silent`;
}
