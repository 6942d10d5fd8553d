/**
 * Loop protection for followed symlinks: a real directory is watched at most once, and
 * never one that contains or is contained by a directory already watched (that would
 * either watch the same files twice or walk in circles).
 */
export function isLoop(visitedReal: ReadonlySet<string>, real: string): string | null {
  for (const seen of visitedReal) {
    if (real === seen) return `already watched as ${seen}`;
    if (real.startsWith(`${seen}/`)) return `inside ${seen}, which is already watched`;
    if (seen.startsWith(`${real}/`)) return `contains ${seen}, which is already watched (a loop)`;
  }
  return null;
}
