/**
 * Hashes the files found at start in the background, so watching is ready at once. Small
 * files are read synchronously into one reused buffer, in slices of a few milliseconds
 * between which events are handled; large ones one at a time through `hashFile`. Memory
 * stays bounded: one buffer, no per-file promise or allocation kept.
 *
 * The walk takes no stat (that was most of its time), so a hash must prove by itself that
 * it is the file as it was when watching began. It is kept only if the file's ctime, read
 * after hashing, is older than `settleMs`: a change after the watches were in place would
 * then have sent its event long before, which marks the file touched and makes it refuse
 * the hash. A file changed lately is tried again after `settleMs` (a few passes at most);
 * one that never settles stays unhashed, and its first change counts whatever its bytes.
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import type { Clock } from "../clock.ts";
import type { Logger } from "../log.ts";
import { hashFile, hashSmallFileSync, SYNC_HASH_MAX_BYTES } from "./file-hash.ts";
import type { FingerprintStore } from "./fingerprint-store.ts";

/** How old a file's last change must be for its first hash to count as its state at start. */
export const INITIAL_HASH_SETTLE_MS = 500;
const MAX_PASSES = 4;
/** Synchronous work between two turns of the event loop. */
const SLICE_MS = 8;

export interface InitialHashOptions {
  root: string;
  store: FingerprintStore;
  clock: Clock;
  log: Logger;
  isClosed(): boolean;
  /**
   * How old a change must be before a hash counts (default INITIAL_HASH_SETTLE_MS). A
   * function is asked at each hash: polling sees a change only at its next scan, so the
   * window must outlast the poll interval, and a fallback to polling can come mid-way.
   */
  settleMs?: number | (() => number);
  /** Wall-clock milliseconds, the time base of ctime (injectable for tests). */
  wallNow?: () => number;
}

export async function hashInitial(
  options: InitialHashOptions,
): Promise<{ hashed: number; unhashed: number; ms: number }> {
  const { root, store, clock, log } = options;
  const settle = options.settleMs ?? INITIAL_HASH_SETTLE_MS;
  const settleMs = typeof settle === "number" ? () => settle : settle;
  const wallNow = options.wallNow ?? Date.now;
  const started = clock.now();
  const buffer = Buffer.allocUnsafe(SYNC_HASH_MAX_BYTES);
  const pause = (ms: number) => new Promise<void>((done) => clock.setTimeout(done, ms));
  let hashed = 0;
  let pending: [string, string[]][] = store.unhashedByDir();

  /** Keeps the hash if the file settled; says whether to try it again later. */
  function offer(dir: string, name: string, hash: number, ctimeMs: number): boolean {
    if (ctimeMs >= wallNow() - settleMs()) return true;
    if (store.fillInitial(dir, name, hash)) hashed++;
    return false;
  }

  for (let pass = 1; pending.length > 0 && !options.isClosed(); pass++) {
    const later: [string, string[]][] = [];
    const large: [string, string][] = [];
    let sliceEnd = performance.now() + SLICE_MS;
    for (const [dir, names] of pending) {
      const retry: string[] = [];
      for (const name of names) {
        if (performance.now() > sliceEnd) {
          await pause(0);
          if (options.isClosed()) return { hashed, unhashed: -1, ms: clock.now() - started };
          sliceEnd = performance.now() + SLICE_MS;
        }
        const rel = dir === "" ? name : `${dir}/${name}`;
        try {
          const result = hashSmallFileSync(join(root, rel), buffer);
          if (result === "large") large.push([dir, name]);
          else if (result !== null && offer(dir, name, result.hash, result.ctimeMs))
            retry.push(name);
        } catch (error) {
          // Unreadable now (EACCES, EIO, a FIFO): it stays unhashed, so any change to it
          // counts. Nothing is lost.
          log.debug(`initial hash of ${rel} skipped: ${(error as Error).message}`);
        }
      }
      if (retry.length > 0) later.push([dir, retry]);
    }
    for (const [dir, name] of large) {
      if (options.isClosed()) break;
      const abs = join(root, dir, name);
      try {
        const hash = await hashFile(abs);
        if (hash !== null && offer(dir, name, hash, statSync(abs).ctimeMs))
          later.push([dir, [name]]);
      } catch (error) {
        // As above: unhashed, so any change counts.
        log.debug(`initial hash of ${dir}/${name} skipped: ${(error as Error).message}`);
      }
    }
    pending = later;
    if (pending.length === 0 || pass === MAX_PASSES) break;
    const files = pending.reduce((n, [, names]) => n + names.length, 0);
    const wait = settleMs();
    log.debug(`initial hashing: ${files} file(s) changed lately; trying again in ${wait}ms`);
    await pause(wait);
  }
  const unhashed = pending.reduce((n, [, names]) => n + names.length, 0);
  return { hashed, unhashed, ms: clock.now() - started };
}
