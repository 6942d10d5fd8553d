/**
 * One engine's pidfile, written off the event loop and one operation at a time, in the
 * order they were asked for. With the proxy two instances overlap: the new one's record is
 * written while the old one drains, and the old one's clear (after it exited) must never
 * land before that write and remove the new record.
 *
 * Why asynchronous: the synchronous write (mkdir, write, rename) ran on hotreload's event
 * loop, which is also its proxy's. Right after a build has written its output, ext4 can
 * hold that rename behind its journal for tens to hundreds of milliseconds (up to 800 ms
 * measured under `bun run bench --only swaps`), and every request of the swap waited.
 */
import type { Logger } from "../log.ts";
import { clearPidfile, type PidRecord, writePidfile } from "./pidfile.ts";

export interface PidfileStore {
  readonly path: string;
  /** Writes the record (atomically); rejects when it cannot. */
  record(record: PidRecord): Promise<void>;
  /** Removes the file if it still names group `pgid`; rejects when it cannot. */
  clear(pgid: number): Promise<void>;
}

export function createPidfileStore(path: string, log: Logger): PidfileStore {
  let last: Promise<unknown> = Promise.resolve();
  const inTurn = (operation: () => Promise<void>): Promise<void> => {
    const next = last.then(operation);
    // The caller gets this operation's outcome from `next`; the next one only waits for it.
    last = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  };
  return {
    path,
    record: (record) => inTurn(() => writePidfile(path, record)),
    clear: (pgid) => inTurn(() => clearPidfile(path, pgid, log)),
  };
}
