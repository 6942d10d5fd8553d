/**
 * `check`'s look at `exec`: does its program exist? A bare name must be on PATH (or be a
 * shell builtin); a path must exist and be executable, unless a build may still create it.
 * What the shell would expand (`$VAR`) cannot be known here and passes.
 */
import { accessSync, constants, existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { CACHE_DIR_VARIABLE } from "../config/detect/index.ts";
import { shellWords } from "../config/detect/package-scripts.ts";
import { projectCacheDir } from "../config/dirs.ts";

const BUILTINS = new Set([".", ":", "cd", "source", "true", "false", "test", "[", "echo", "set"]);

export interface ExecProblem {
  message: string;
  hint: string;
}

export interface ExecLookup {
  root: string;
  build: string | null;
  /** PATH lookup, injectable for tests. */
  which?: (name: string) => string | null;
}

/** The program word of a command line: after `VAR=x`, `env` and `exec` prefixes. */
export function programOf(command: string): string | null {
  const words = shellWords(command);
  let i = 0;
  while (
    i < words.length &&
    (/^\w+=/.test(words[i] as string) || words[i] === "exec" || words[i] === "env")
  )
    i++;
  const word = words[i];
  return word === undefined ? null : word.replace(/^(["'])(.*)\1$/, "$2");
}

export function execProblem(exec: string, lookup: ExecLookup): ExecProblem | null {
  const raw = programOf(exec);
  if (raw === null) return null;
  const program = raw
    .replace(`\${${CACHE_DIR_VARIABLE}}`, projectCacheDir(lookup.root))
    .replace(`$${CACHE_DIR_VARIABLE}`, projectCacheDir(lookup.root));
  if (/[$%`*?]/.test(program) || BUILTINS.has(program)) return null;
  if (!/[\\/]/.test(program)) {
    const which = lookup.which ?? ((name: string) => Bun.which(name));
    if (which(program) !== null) return null;
    const local = resolve(lookup.root, "node_modules", ".bin", program);
    return {
      message: `exec: \`${program}\` is not a command on PATH (the shell would say "command not found")`,
      hint: existsSync(local)
        ? `It is the project's own tool: write \`./node_modules/.bin/${program}\` (or \`npx ${program}\`).`
        : `Install ${program}, or fix the command in \`exec\` (or --exec).`,
    };
  }
  const path = resolve(lookup.root, program);
  if (!existsSync(path)) {
    if (lookup.build) return null; // the build may create it (a compiled binary)
    return {
      message: `exec: ${program} does not exist (looked at ${path}), and there is no build to create it`,
      hint: "Fix the path (relative to the root), or set `build` to the command that produces it.",
    };
  }
  try {
    if (statSync(path).isDirectory())
      return { message: `exec: ${program} is a directory`, hint: "Name the program inside it." };
    if (process.platform !== "win32") accessSync(path, constants.X_OK);
    return null;
  } catch {
    // Not executable (or not readable): the shell would exit 126.
    return {
      message: `exec: ${program} exists but is not executable (the shell would exit 126)`,
      hint: `Run \`chmod +x ${program}\`, or start it through its interpreter (e.g. \`node ${program}\`).`,
    };
  }
}
