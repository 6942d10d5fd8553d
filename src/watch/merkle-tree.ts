/**
 * The one structure that holds every watched file: a tree of directory nodes, each with a
 * map of file names to content hashes (53-bit numbers, stored inline: no string, no
 * object per file) and a map of subdirectories. It is also the tree fingerprint, kept
 * incrementally: each directory's digest is SHA-256 over its sorted entries
 * (`name NUL f token LF` for a file, `name NUL d digest LF` for a directory), and the
 * root's digest names the whole tree. A change re-hashes only the directories on its path.
 * Paths are stored once, as names under their directory, never as full strings.
 */

/** Not hashed yet: the file counts as it was at start until its first hash. */
export const UNHASHED = -1;
/** Not hashed yet, and an event came: its first hash counts as a change whatever it is. */
export const TOUCHED = -2;

export interface DirNode {
  readonly name: string;
  readonly parent: DirNode | null;
  /** name → hash (>= 0), UNHASHED or TOUCHED; null until the first file. */
  files: Map<string, number> | null;
  dirs: Map<string, DirNode> | null;
  digest: string | null;
}

export const createDirNode = (name: string, parent: DirNode | null): DirNode => ({
  name,
  parent,
  files: null,
  dirs: null,
  digest: null,
});

/** The node of directory `rel` ("" = root), created on the way when `create`. */
export function findDir(root: DirNode, rel: string, create: boolean): DirNode | null {
  if (rel === "") return root;
  let node = root;
  let start = 0;
  for (;;) {
    const slash = rel.indexOf("/", start);
    const name = slash === -1 ? rel.slice(start) : rel.slice(start, slash);
    let child = node.dirs?.get(name);
    if (child === undefined) {
      if (!create) return null;
      child = createDirNode(name, node);
      node.dirs ??= new Map();
      node.dirs.set(name, child);
      invalidate(node);
    }
    node = child;
    if (slash === -1) return node;
    start = slash + 1;
  }
}

/** Drops the digests from `node` up. A null digest has only null digests above it (a node
 * created or removed invalidates its parent), so the walk up stops at the first. */
export function invalidate(node: DirNode | null): void {
  for (let n = node; n !== null && n.digest !== null; n = n.parent) n.digest = null;
}

/** Removes `node` and its ancestors while empty: an emptied directory fingerprints like none. */
export function pruneEmpty(node: DirNode): void {
  for (let n = node; n.parent !== null; n = n.parent) {
    if ((n.files?.size ?? 0) > 0 || (n.dirs?.size ?? 0) > 0) return;
    n.parent.dirs?.delete(n.name);
    invalidate(n.parent);
  }
}

const tokenOf = (value: number) => (value >= 0 ? value.toString(16) : "unhashed");
const byName = (a: [string, string], b: [string, string]) =>
  a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;

export function digestOf(node: DirNode): string {
  if (node.digest !== null) return node.digest;
  const entries: [string, string][] = [];
  if (node.files)
    for (const [name, value] of node.files) entries.push([name, `f ${tokenOf(value)}`]);
  if (node.dirs)
    for (const [name, child] of node.dirs) entries.push([name, `d ${digestOf(child)}`]);
  entries.sort(byName);
  const hasher = new Bun.CryptoHasher("sha256");
  for (const [name, value] of entries) hasher.update(`${name}\0${value}\n`);
  node.digest = hasher.digest("hex");
  return node.digest;
}

/** Every file under `node`, as paths relative to the root, through `visit`. */
export function forEachFile(
  node: DirNode,
  rel: string,
  visit: (path: string, value: number) => void,
): void {
  const prefix = rel === "" ? "" : `${rel}/`;
  if (node.files) for (const [name, value] of node.files) visit(prefix + name, value);
  if (node.dirs) for (const [name, child] of node.dirs) forEachFile(child, prefix + name, visit);
}

/** Every directory node holding files, with its path relative to the root. */
export function dirsWithFiles(node: DirNode, rel = "", out: [string, DirNode][] = []) {
  if ((node.files?.size ?? 0) > 0) out.push([rel, node]);
  if (node.dirs)
    for (const [name, child] of node.dirs)
      dirsWithFiles(child, rel === "" ? name : `${rel}/${name}`, out);
  return out;
}
