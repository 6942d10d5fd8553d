/**
 * The soak (scripts/bench/soak-run.ts, `bun run soak`) in a few reloads: a server whose
 * grandchild holds the socket and takes 300 ms to exit, and which daemonises a worker at
 * each start. No EADDRINUSE, no stale answer, nothing of the run left after quit. The
 * 500-reload figures are in docs/PERFORMANCE.md.
 */
import { expect, test } from "bun:test";
import { join } from "node:path";
import { runSoak } from "../../scripts/bench/soak-run.ts";

test("a few soak reloads: no EADDRINUSE, no leftovers, exit 0", async () => {
  const top = join(import.meta.dir, "..", "..");
  const result = await runSoak({ top, reloads: 5, log: () => {} });
  expect(result).toMatchObject({ reloads: 5, eaddrinuse: 0, leftovers: 0, exitCode: 0 });
  // The run's own processes only: leader, listener, the daemonised worker, the lifeline.
  for (const sample of result.samples) expect(sample.alive).toBeLessThanOrEqual(5);
}, 120_000);
