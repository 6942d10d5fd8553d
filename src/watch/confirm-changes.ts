/**
 * Confirms a debounced batch against content: each path is hashed now and compared with
 * what the store knew before the batch. The kind comes from that comparison, not from the
 * events: known and gone is a delete, unknown and present a create, a different hash a
 * modify. Same bytes (a touch, an identical save, a checkout restoring a file) is no
 * change at all; a file whose first hash had not been taken yet always counts.
 */
import { join } from "node:path";
import type { FileChange } from "../events/types.ts";
import type { Logger } from "../log.ts";
import { hashChangedFile } from "./file-hash.ts";
import type { FingerprintStore } from "./fingerprint-store.ts";
import { runPool } from "./pool.ts";

export interface Confirmed {
  changes: FileChange[];
  /** Paths that had events but the same content. */
  unchanged: string[];
  /** The content hash of each changed path after the batch; null when deleted. */
  hashes: Map<string, number | null>;
}

/** The hash, null when gone. */
async function safeHash(abs: string, log: Logger): Promise<number | null> {
  try {
    return await hashChangedFile(abs);
  } catch (error) {
    // Present but unreadable (EACCES, EIO), or gone right after reading: count it as
    // changed rather than miss a change; the next event sorts it out.
    log.debug(`${abs}: cannot read to hash (${(error as Error).message}); counted as changed`);
    // A fresh random stand-in: equal to no earlier hash, and a new tree fingerprint.
    return Math.floor(Math.random() * 2 ** 53);
  }
}

export async function confirmChanges(
  batch: readonly FileChange[],
  options: { root: string; store: FingerprintStore; log: Logger; concurrency: number },
): Promise<Confirmed> {
  const { store, log } = options;
  const hashes = new Map<string, number | null>();
  await runPool(batch, options.concurrency, async ({ path }) => {
    hashes.set(path, await safeHash(join(options.root, path), log));
  });
  const changes: FileChange[] = [];
  const unchanged: string[] = [];
  const after = new Map<string, number | null>();
  for (const { path } of batch) {
    const hash = hashes.get(path) ?? null;
    const before = store.hashOf(path);
    if (hash === null) {
      if (before !== undefined) {
        store.delete(path);
        changes.push({ path, kind: "delete" });
        after.set(path, null);
      } else log.debug(`${path}: created and removed within one batch; dropped`);
    } else if (before === undefined) {
      store.set(path, hash);
      changes.push({ path, kind: "create" });
      after.set(path, hash);
    } else if (before === hash) {
      unchanged.push(path);
    } else {
      store.set(path, hash);
      changes.push({ path, kind: "modify" });
      after.set(path, hash);
    }
  }
  return { changes, unchanged, hashes: after };
}
