/**
 * Where hotreload keeps its own files: never in the user's project tree. Build outputs of
 * zero-config runs go to the cache directory, keyed by the project root, so they can never
 * trigger a rebuild and need no .gitignore line.
 */
import { homedir } from "node:os";
import { basename, join } from "node:path";

type Env = Record<string, string | undefined>;

export function cacheBase(env: Env = process.env, platform = process.platform): string {
  if (platform === "win32")
    return join(env.LOCALAPPDATA ?? join(homedir(), "AppData", "Local"), "hotreload", "cache");
  if (platform === "darwin") return join(homedir(), "Library", "Caches", "hotreload");
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "hotreload");
}

/** A readable, collision-free directory name for a project root. */
export function rootKey(root: string): string {
  const hash = new Bun.CryptoHasher("sha256").update(root).digest("hex").slice(0, 12);
  const name = basename(root).replace(/[^A-Za-z0-9._-]/g, "_") || "root";
  return `${name}-${hash}`;
}

export function projectCacheDir(root: string, env: Env = process.env, platform = process.platform) {
  return join(cacheBase(env, platform), rootKey(root));
}
