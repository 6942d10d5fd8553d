/**
 * The oldest Bun hotreload runs on from source (the npm package): package.json's
 * `engines.bun`, which CI tests by running the integration suite on exactly that version.
 * An older Bun fails in ways that look like hotreload bugs (see README, "Minimum
 * versions"), so main.ts refuses it up front. The compiled binaries bring their own Bun.
 */
import pkg from "../../package.json" with { type: "json" };

export const BUN_FLOOR: string = pkg.engines.bun.replace(/^>=\s*/, "");

function parts(version: string): number[] {
  return (version.split("-")[0] ?? "").split(".").map((n) => Number.parseInt(n, 10) || 0);
}

/** True when `version` (e.g. Bun.version) is older than the floor. */
export function olderThanFloor(version: string, floor: string = BUN_FLOOR): boolean {
  const [a, b] = [parts(version), parts(floor)];
  for (let i = 0; i < 3; i++) {
    const [x, y] = [a[i] ?? 0, b[i] ?? 0];
    if (x !== y) return x < y;
  }
  return false;
}
