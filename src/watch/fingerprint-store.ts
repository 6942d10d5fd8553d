/**
 * What the watcher knows about each watched file: its content hash, or, until the initial
 * background hashing reaches it, that it is not hashed yet (and whether an event came for
 * it since). Kept in the directory tree of merkle-tree.ts, which is also the tree
 * fingerprint (a SHA-256 Merkle tree over the sorted paths and their hashes), kept up to
 * date incrementally. An unhashed file stands in the fingerprint as `unhashed`: its bytes
 * are those it had at start, since any change after that makes an event and a hash.
 */
import {
  createDirNode,
  type DirNode,
  digestOf,
  dirsWithFiles,
  findDir,
  forEachFile,
  invalidate,
  pruneEmpty,
  TOUCHED,
  UNHASHED,
} from "./merkle-tree.ts";

export { TOUCHED, UNHASHED } from "./merkle-tree.ts";

/** The fingerprint of a whole tree at once: the value the store keeps incrementally. */
export function treeFingerprint(entries: Iterable<readonly [path: string, hash: number]>): string {
  const store = createFingerprintStore();
  for (const [path, hash] of entries) store.set(path, hash);
  return store.fingerprint();
}

export interface FingerprintStore {
  has(rel: string): boolean;
  /** The content hash, UNHASHED or TOUCHED; undefined for a file not known. */
  hashOf(rel: string): number | undefined;
  /** A file found by a walk, not hashed yet (kept if already known). */
  seed(rel: string): void;
  /** `seed` for the file `name` in directory `dir` (the walk's fast path). */
  seedIn(dir: string, name: string): void;
  /** The hash after a confirmed change. */
  set(rel: string, hash: number): void;
  /** The initial background hash; dropped (false) when an event got there first. */
  fillInitial(dir: string, name: string, hash: number): boolean;
  /** An event came for a file not hashed yet: its first hash will count as a change. */
  markTouched(rel: string): void;
  delete(rel: string): boolean;
  /** Every known file under directory `dir`. */
  filesUnder(dir: string): string[];
  /** Files still waiting for their first hash (and no event), by directory. */
  unhashedByDir(): [dir: string, names: string[]][];
  paths(): string[];
  size(): number;
  fingerprint(): string;
}

function split(rel: string): [dir: string, name: string] {
  const slash = rel.lastIndexOf("/");
  return slash === -1 ? ["", rel] : [rel.slice(0, slash), rel.slice(slash + 1)];
}

export function createFingerprintStore(): FingerprintStore {
  const root = createDirNode("", null);
  let count = 0;
  // The walk seeds a directory's files one after another: remember its node.
  let lastDir: string | null = null;
  let lastNode: DirNode | null = null;

  function dirOf(dir: string, create: boolean): DirNode | null {
    if (dir === lastDir && lastNode !== null) return lastNode;
    const node = findDir(root, dir, create);
    if (node !== null) {
      lastDir = dir;
      lastNode = node;
    }
    return node;
  }

  function put(dir: string, name: string, value: number, keep: boolean): void {
    const node = dirOf(dir, true) as DirNode;
    node.files ??= new Map();
    const before = node.files.get(name);
    if (before === undefined) count++;
    else if (keep || before === value) return;
    node.files.set(name, value);
    invalidate(node);
  }

  function lookup(rel: string): { node: DirNode; name: string } | null {
    const [dir, name] = split(rel);
    const node = findDir(root, dir, false);
    return node?.files?.has(name) ? { node, name } : null;
  }

  return {
    has: (rel) => lookup(rel) !== null,
    hashOf(rel) {
      const found = lookup(rel);
      return found ? found.node.files?.get(found.name) : undefined;
    },
    seed(rel) {
      const [dir, name] = split(rel);
      put(dir, name, UNHASHED, true);
    },
    seedIn: (dir, name) => put(dir, name, UNHASHED, true),
    set(rel, hash) {
      const [dir, name] = split(rel);
      put(dir, name, hash, false);
    },
    fillInitial(dir, name, hash) {
      const node = findDir(root, dir, false);
      if (node?.files?.get(name) !== UNHASHED) return false;
      node.files.set(name, hash);
      invalidate(node);
      return true;
    },
    markTouched(rel) {
      const found = lookup(rel);
      if (found?.node.files?.get(found.name) === UNHASHED)
        found.node.files.set(found.name, TOUCHED);
    },
    delete(rel) {
      const found = lookup(rel);
      if (found === null) return false;
      found.node.files?.delete(found.name);
      count--;
      invalidate(found.node);
      // A pruned node may be the cached one: forget it.
      lastDir = null;
      lastNode = null;
      pruneEmpty(found.node);
      return true;
    },
    filesUnder(dir) {
      const node = findDir(root, dir, false);
      const out: string[] = [];
      if (node !== null && dir !== "") forEachFile(node, dir, (path) => out.push(path));
      return out;
    },
    unhashedByDir() {
      const out: [string, string[]][] = [];
      for (const [dir, node] of dirsWithFiles(root)) {
        const names: string[] = [];
        for (const [name, value] of node.files ?? []) if (value === UNHASHED) names.push(name);
        if (names.length > 0) out.push([dir, names]);
      }
      return out;
    },
    paths() {
      const out: string[] = [];
      forEachFile(root, "", (path) => out.push(path));
      return out;
    },
    size: () => count,
    fingerprint: () => digestOf(root),
  };
}
