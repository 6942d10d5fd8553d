/**
 * Confirms a debounced batch against content: each path is hashed now and compared with
 * what the store knew before the batch. The kind comes from that comparison, not from the
 * events: known and gone is a delete, unknown and present a create, a different hash a
 * modify. Same bytes (a touch, an identical save, a checkout restoring a file) is no
 * change at all; a file whose first hash had not been taken yet always counts.
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import type { FileChange } from "../events/types.ts";
import type { Logger } from "../log.ts";
import { hashChangedFile } from "./file-hash.ts";
import type { FingerprintStore } from "./fingerprint-store.ts";
import { runPool } from "./pool.ts";
import { statSignature } from "./tree-walk.ts";

export interface Confirmed {
  changes: FileChange[];
  /** Paths that had events but the same content. */
  unchanged: string[];
}

/** The hash ("" when gone) and the stat signature after reading. */
async function safeHash(abs: string, log: Logger): Promise<{ hash: string; sig: string }> {
  try {
    const hash = (await hashChangedFile(abs)) ?? "";
    return { hash, sig: hash === "" ? "" : statSignature(statSync(abs)) };
  } catch (error) {
    // Present but unreadable (EACCES, EIO), or gone right after reading: count it as
    // changed rather than miss a change; the next event sorts it out.
    log.debug(`${abs}: cannot read to hash (${(error as Error).message}); counted as changed`);
    return { hash: `unreadable:${performance.now()}`, sig: "" };
  }
}

export async function confirmChanges(
  batch: readonly FileChange[],
  options: { root: string; store: FingerprintStore; log: Logger; concurrency: number },
): Promise<Confirmed> {
  const { store, log } = options;
  const hashes = new Map<string, { hash: string; sig: string }>();
  await runPool(batch, options.concurrency, async ({ path }) => {
    hashes.set(path, await safeHash(join(options.root, path), log));
  });
  const changes: FileChange[] = [];
  const unchanged: string[] = [];
  for (const { path } of batch) {
    const { hash, sig } = hashes.get(path) ?? { hash: "", sig: "" };
    const before = store.get(path);
    if (hash === "") {
      if (before !== undefined) {
        store.delete(path);
        changes.push({ path, kind: "delete" });
      } else log.debug(`${path}: created and removed within one batch; dropped`);
    } else if (before === undefined) {
      store.set(path, hash, sig);
      changes.push({ path, kind: "create" });
    } else if (before.hash === hash) {
      before.sig = sig;
      unchanged.push(path);
    } else {
      store.set(path, hash, sig);
      changes.push({ path, kind: "modify" });
    }
  }
  return { changes, unchanged };
}
