/**
 * Measures what polling costs: a 10,000-file tree (100 directories) polled with stat only,
 * at the default interval, for a fixed time; prints the CPU share of one core, the time of
 * one poll, and how long initial hashing of the same tree takes. docs/WATCHING.md records
 * the figures.
 *
 *   bun scripts/measure-poll-cpu.ts [seconds] [intervalMs]
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSystemClock } from "../src/clock.ts";
import { DEFAULT_POLL_INTERVAL_MS } from "../src/config/schema.ts";
import { silentLogger } from "../src/log.ts";
import { createPathFilter } from "../src/watch/filter.ts";
import { createFingerprintStore } from "../src/watch/fingerprint-store.ts";
import { hashInitial } from "../src/watch/initial-hash.ts";
import { createPollWatcher } from "../src/watch/poll-watcher.ts";
import { walkTree } from "../src/watch/tree-walk.ts";

const SECONDS = Number(process.argv[2] ?? 10);
const INTERVAL = Number(process.argv[3] ?? DEFAULT_POLL_INTERVAL_MS);
const FILES = 10_000;
const DIRS = 100;

const root = await mkdtemp(join(tmpdir(), "hotreload-poll-cpu-"));
try {
  for (let d = 0; d < DIRS; d++) mkdirSync(join(root, `dir${d}`));
  for (let f = 0; f < FILES; f++) {
    writeFileSync(
      join(root, `dir${f % DIRS}`, `file${f}.go`),
      `package p // ${f} ${"x".repeat(f % 2000)}\n`,
    );
  }
  const filter = createPathFilter({ root, ext: [], ignorePatterns: [], alwaysIgnore: [] });
  const walkOptions = {
    root,
    start: "",
    filter,
    followSymlinks: false,
    visitedReal: new Set([root]),
    loadGitignores: true,
    log: silentLogger,
  };
  let t0 = performance.now();
  const baseline = walkTree(walkOptions);
  const walkMs = performance.now() - t0;

  const store = createFingerprintStore();
  for (const [path, sig] of baseline.files) store.seed(path, sig);
  t0 = performance.now();
  const { hashed } = await hashInitial({ root, store, log: silentLogger, isClosed: () => false });
  const hashMs = performance.now() - t0;

  const pollTimes: number[] = [];
  let events = 0;
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const poller = createPollWatcher({
    root,
    rootReal: root,
    intervalMs: INTERVAL,
    clock: createSystemClock(),
    filter,
    followSymlinks: false,
    log: silentLogger,
    baseline,
    onEvent: () => events++,
    onPoll: ({ ms }) => pollTimes.push(ms),
  });
  await Bun.sleep(SECONDS * 1000);
  poller.close();
  const cpu = process.cpuUsage(cpuBefore);
  const wall = performance.now() - wallBefore;
  const cpuMs = (cpu.user + cpu.system) / 1000;
  pollTimes.sort((a, b) => a - b);
  const median = pollTimes[Math.floor(pollTimes.length / 2)] ?? 0;

  console.log(`bun ${Bun.version}, ${process.platform}, ${FILES} files in ${DIRS} dirs`);
  console.log(`initial walk (readdir + lstat): ${walkMs.toFixed(0)}ms`);
  console.log(`initial hashing of ${hashed} files: ${hashMs.toFixed(0)}ms`);
  console.log(
    `polling every ${INTERVAL}ms for ${SECONDS}s: ${pollTimes.length} polls, median ${median.toFixed(1)}ms each, ` +
      `CPU ${((cpuMs / wall) * 100).toFixed(1)}% of one core (${cpuMs.toFixed(0)}ms CPU in ${wall.toFixed(0)}ms), ${events} false events`,
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
