/**
 * What the watcher knows about each watched file: its content hash, or, until the initial
 * background hashing reaches it, its stat signature. The tree fingerprint (a SHA-256
 * Merkle tree over the sorted paths and their hashes, merkle-tree.ts) names a build; it
 * is kept up to date incrementally.
 */
import { createMerkleTree } from "./merkle-tree.ts";

export interface FileRecord {
  /** Content hash; null until hashed. */
  hash: string | null;
  /** `mtime:size:ino` as last seen: the stand-in for the hash until it is known, and what
   * a resync (after falling back to polling) compares with. */
  sig: string;
  /** A change arrived before the initial hash: whatever the hash is, it counts. */
  touched: boolean;
}

/** The fingerprint of a whole tree at once: the same value the store keeps incrementally. */
export function treeFingerprint(entries: Iterable<readonly [path: string, token: string]>): string {
  const tree = createMerkleTree();
  for (const [path, token] of entries) tree.set(path, token);
  return tree.digest();
}

const tokenOf = (record: FileRecord) => record.hash ?? `stat:${record.sig}`;

export interface FingerprintStore {
  has(rel: string): boolean;
  get(rel: string): FileRecord | undefined;
  /** A file found by a walk, not hashed yet (kept if already known). */
  seed(rel: string, sig: string): void;
  /** The hash (and the stat signature seen with it) after a confirmed change. */
  set(rel: string, hash: string, sig: string): void;
  /** The initial background hash; dropped when a change got there first. */
  fillInitial(rel: string, hash: string): void;
  markTouched(rel: string): void;
  delete(rel: string): boolean;
  /** Every known file under directory `dir`. */
  filesUnder(dir: string): string[];
  /** Paths still waiting for their first hash. */
  unhashed(): string[];
  paths(): IterableIterator<string>;
  size(): number;
  fingerprint(): string;
}

export function createFingerprintStore(): FingerprintStore {
  const files = new Map<string, FileRecord>();
  const tree = createMerkleTree();

  return {
    has: (rel) => files.has(rel),
    get: (rel) => files.get(rel),
    seed(rel, sig) {
      if (files.has(rel)) return;
      const record = { hash: null, sig, touched: false };
      files.set(rel, record);
      tree.set(rel, tokenOf(record));
    },
    set(rel, hash, sig) {
      files.set(rel, { hash, sig, touched: false });
      tree.set(rel, hash);
    },
    fillInitial(rel, hash) {
      const record = files.get(rel);
      if (record === undefined || record.hash !== null || record.touched) return;
      record.hash = hash;
      tree.set(rel, hash);
    },
    markTouched(rel) {
      const record = files.get(rel);
      if (record && record.hash === null) record.touched = true;
    },
    delete(rel) {
      tree.delete(rel);
      return files.delete(rel);
    },
    filesUnder(dir) {
      const prefix = `${dir}/`;
      return [...files.keys()].filter((path) => path.startsWith(prefix));
    },
    unhashed: () => [...files].filter(([, r]) => r.hash === null && !r.touched).map(([p]) => p),
    paths: () => files.keys(),
    size: () => files.size,
    fingerprint: () => tree.digest(),
  };
}
