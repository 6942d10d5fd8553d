/**
 * The `sh app.sh` apps of the builds, survival and crash scenarios append one
 * `start <epoch ms>` line per start to a log beside the watched root (never watched), so
 * restarts are counted from the app's own start lines whatever the tool prints.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { benchDebug } from "./debug.ts";

/** The app script line that records a start. */
export const START_LINE = 'echo "start $(date +%s%3N)" >> ../starts.log';

/** Where START_LINE writes, for a project whose temp dir (the watched root's parent) is `base`. */
export const startsLog = (base: string): string => join(base, "starts.log");

/** Start times (epoch ms) out of the log's text; malformed lines are ignored. */
export function parseStarts(text: string): number[] {
  return text
    .split("\n")
    .map((line) => line.match(/^start (\d+)$/)?.[1])
    .filter((value): value is string => value !== undefined)
    .map(Number);
}

/** Differences between successive starts, in seconds. */
export function gapsSeconds(starts: readonly number[]): number[] {
  return starts.slice(1).map((at, i) => (at - (starts[i] as number)) / 1000);
}

export function readStarts(file: string): number[] {
  try {
    return parseStarts(readFileSync(file, "utf8"));
  } catch (error) {
    // ENOENT until the app's first start: zero starts so far.
    benchDebug(`${file}: ${String(error)}`);
    return [];
  }
}

/** Waits until at least `count` starts are logged, or fails after `timeoutMs`. */
export async function waitStarts(file: string, count: number, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const seen = readStarts(file).length;
    if (seen >= count) return seen;
    if (performance.now() > deadline)
      throw new Error(`${seen} of ${count} app starts within ${timeoutMs} ms`);
    await Bun.sleep(20);
  }
}

/** Waits for the app's first start under a tool; the error shows the tool's last lines. */
export async function waitFirstStart(file: string, toolTail: () => string): Promise<void> {
  await waitStarts(file, 1, 30_000).catch((error) => {
    throw new Error(`${String(error)}\n${toolTail()}`);
  });
}

/**
 * Waits until no new start has been logged, and `activity()` (e.g. the tool's output line
 * count) has not moved, for `quietMs`; returns the start count then. Gives up after
 * `timeoutMs` (a tool that keeps restarting) with `settled: false`.
 */
export async function waitQuiet(
  file: string,
  quietMs: number,
  timeoutMs: number,
  activity: () => number = () => 0,
): Promise<{ count: number; settled: boolean }> {
  const deadline = performance.now() + timeoutMs;
  const sample = () => `${readStarts(file).length}/${activity()}`;
  let seen = sample();
  let changedAt = performance.now();
  while (performance.now() - changedAt < quietMs) {
    if (performance.now() > deadline) break;
    await Bun.sleep(25);
    const now = sample();
    if (now !== seen) [seen, changedAt] = [now, performance.now()];
  }
  return { count: readStarts(file).length, settled: performance.now() - changedAt >= quietMs };
}
