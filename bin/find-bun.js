// Where the npm entry finds Bun. Pure (the file system is passed in), so every platform's
// branch is tested on any machine (tests/unit/npm-entry.test.ts).
//
// Under Bun, the running executable. Under Node, the first `bun` on PATH; on Windows that
// is `bun.exe` (Bun's installer, scoop, winget) or an npm shim `bun.cmd` (npm i -g bun),
// which cannot be spawned without a shell: the real bun.exe the shim starts sits in
// node_modules/bun/bin/ beside it, and that is what we run. A `.cmd` without one is
// returned as is; the caller runs it through cmd.exe.
import { delimiter as posixDelimiter } from "node:path";

/**
 * @param {{ platform: string, env: Record<string, string | undefined>, bunExecPath?: string,
 *   exists: (path: string) => boolean }} opts
 * @returns {string | null} the path (or bare name) of a Bun executable, or null
 */
export function findBun({ platform, env, bunExecPath, exists }) {
  if (bunExecPath) return bunExecPath;
  const windows = platform === "win32";
  const sep = windows ? "\\" : "/";
  const pathVar = windows ? (env.Path ?? env.PATH ?? "") : (env.PATH ?? "");
  const dirs = pathVar.split(windows ? ";" : posixDelimiter).filter((dir) => dir !== "");
  const join = (dir, name) => (dir.endsWith(sep) ? `${dir}${name}` : `${dir}${sep}${name}`);
  let shim = null;
  for (const raw of dirs) {
    const dir = windows ? raw.replace(/^"(.*)"$/, "$1") : raw;
    if (!windows) {
      if (exists(join(dir, "bun"))) return join(dir, "bun");
      continue;
    }
    if (exists(join(dir, "bun.exe"))) return join(dir, "bun.exe");
    if (exists(join(dir, "bun.cmd"))) {
      const real = join(dir, ["node_modules", "bun", "bin", "bun.exe"].join(sep));
      if (exists(real)) return real;
      shim ??= join(dir, "bun.cmd");
    }
  }
  // A shim of another layout (pnpm, yarn): run through cmd.exe by the caller.
  return shim;
}
