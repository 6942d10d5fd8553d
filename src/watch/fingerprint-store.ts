/**
 * What the watcher knows about each watched file: its content hash, or, until the initial
 * background hashing reaches it, its stat signature. The tree fingerprint (SHA-256 over
 * the sorted paths and their hashes) names a build; it is cached until a file changes.
 */

export interface FileRecord {
  /** Content hash; null until hashed. */
  hash: string | null;
  /** `mtime:size:ino` as last seen: the stand-in for the hash until it is known, and what
   * a resync (after falling back to polling) compares with. */
  sig: string;
  /** A change arrived before the initial hash: whatever the hash is, it counts. */
  touched: boolean;
}

/** SHA-256 over `path NUL token LF` for each entry, sorted by path. */
export function treeFingerprint(entries: Iterable<readonly [path: string, token: string]>): string {
  const sorted = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const hasher = new Bun.CryptoHasher("sha256");
  for (const [path, token] of sorted) hasher.update(`${path}\0${token}\n`);
  return hasher.digest("hex");
}

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
  let cached: string | null = null;

  return {
    has: (rel) => files.has(rel),
    get: (rel) => files.get(rel),
    seed(rel, sig) {
      if (files.has(rel)) return;
      files.set(rel, { hash: null, sig, touched: false });
      cached = null;
    },
    set(rel, hash, sig) {
      files.set(rel, { hash, sig, touched: false });
      cached = null;
    },
    fillInitial(rel, hash) {
      const record = files.get(rel);
      if (record === undefined || record.hash !== null || record.touched) return;
      record.hash = hash;
      cached = null;
    },
    markTouched(rel) {
      const record = files.get(rel);
      if (record && record.hash === null) record.touched = true;
    },
    delete(rel) {
      cached = null;
      return files.delete(rel);
    },
    filesUnder(dir) {
      const prefix = `${dir}/`;
      return [...files.keys()].filter((path) => path.startsWith(prefix));
    },
    unhashed: () => [...files].filter(([, r]) => r.hash === null && !r.touched).map(([p]) => p),
    paths: () => files.keys(),
    size: () => files.size,
    fingerprint() {
      cached ??= treeFingerprint(
        [...files].map(([path, r]) => [path, r.hash ?? `stat:${r.sig}`] as const),
      );
      return cached;
    },
  };
}
