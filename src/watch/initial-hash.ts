/**
 * Hashes the files found at start in the background, a few at a time, so watching is ready
 * at once and memory stays bounded (one chunk buffer per worker). A hash is kept only if
 * the file's stat signature after reading still matches the one the walk saw: a file that
 * changed meanwhile stays unhashed, and its change then counts whatever its content.
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "../log.ts";
import { hashFile } from "./file-hash.ts";
import type { FingerprintStore } from "./fingerprint-store.ts";
import { runPool } from "./pool.ts";
import { statSignature } from "./tree-walk.ts";

export const INITIAL_HASH_CONCURRENCY = 8;

export async function hashInitial(options: {
  root: string;
  store: FingerprintStore;
  log: Logger;
  isClosed(): boolean;
  concurrency?: number;
}): Promise<{ hashed: number; ms: number }> {
  const { root, store, log } = options;
  const started = performance.now();
  let hashed = 0;
  const paths = store.unhashed();
  await runPool(
    paths,
    options.concurrency ?? INITIAL_HASH_CONCURRENCY,
    async (rel) => {
      const abs = join(root, rel);
      try {
        const hash = await hashFile(abs);
        const sig = statSignature(statSync(abs));
        const record = store.get(rel);
        if (hash === null || record === undefined || record.sig !== sig) return;
        store.fillInitial(rel, hash);
        hashed++;
      } catch (error) {
        // The file changed under us or cannot be read: it stays unhashed, so any change
        // to it counts. Nothing is lost.
        log.debug(`initial hash of ${rel} skipped: ${(error as Error).message}`);
      }
    },
    options.isClosed,
  );
  return { hashed, ms: performance.now() - started };
}
