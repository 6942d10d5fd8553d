/**
 * Guards for followed symlinks. Loops: a real directory is watched at most once, and never
 * one that contains or is contained by a directory already watched (that would either
 * watch the same files twice or walk in circles) — `/` and every ancestor of the root
 * included. Size: a link that would add more than MAX_LINKED_DIRS directories (a link to
 * a home directory or a disk) is refused with a warning instead of walked.
 */
import { type Dirent, readdirSync } from "node:fs";
import { join } from "node:path";

/** Most directories one followed symlink may add to the watch. */
export const MAX_LINKED_DIRS = 5000;

const withSlash = (path: string) => (path.endsWith("/") ? path : `${path}/`);

export function isLoop(visitedReal: ReadonlySet<string>, real: string): string | null {
  for (const seen of visitedReal) {
    if (real === seen) return `already watched as ${seen}`;
    if (real.startsWith(withSlash(seen))) return `inside ${seen}, which is already watched`;
    if (seen.startsWith(withSlash(real)))
      return `contains ${seen}, which is already watched (a loop)`;
  }
  return null;
}

/**
 * Counts the directories under `abs` (itself included) that the filter keeps, stopping as
 * soon as the count passes `limit`. Symlinks inside are not followed here: each is judged
 * on its own when the walk reaches it.
 */
export function countLinkedDirs(
  abs: string,
  rel: string,
  ignoresDir: (rel: string) => boolean,
  limit: number,
): number {
  let count = 0;
  const stack: [string, string][] = [[abs, rel]];
  while (stack.length > 0) {
    const [dir, dirRel] = stack.pop() as [string, string];
    count++;
    if (count > limit) return count;
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      // Unreadable: the walk skips it too, so it adds nothing.
      void error;
      continue;
    }
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      const childRel = `${dirRel}/${entry.name}`;
      if (!ignoresDir(childRel)) stack.push([join(dir, entry.name), childRel]);
    }
  }
  return count;
}

/** Why the link at `rel` (to `real`) is not followed, or null when it may be. */
export function linkRefusal(
  visitedReal: ReadonlySet<string>,
  real: string,
  rel: string,
  ignoresDir: (rel: string) => boolean,
  limit: number = MAX_LINKED_DIRS,
): { reason: string; warn: boolean } | null {
  const loop = isLoop(visitedReal, real);
  if (loop !== null) return { reason: loop, warn: false };
  if (countLinkedDirs(real, rel, ignoresDir, limit) > limit)
    return {
      reason: `it would add more than ${limit} directories; link a smaller directory, or add ${rel} to ignore_patterns`,
      warn: true,
    };
  return null;
}
