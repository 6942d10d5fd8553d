/**
 * Which file system a path lives on, from /proc/self/mountinfo (Linux). Network and
 * VM-shared file systems deliver no inotify events for changes made on the other side,
 * so watching there must poll. Pure: the caller reads the text (tests inject it).
 */

export interface MountEntry {
  mountPoint: string;
  fsType: string;
  source: string;
}

/** File systems whose changes inotify does not see (or not reliably). */
export const NO_EVENT_FS_TYPES: ReadonlyMap<string, string> = new Map([
  ["nfs", "NFS"],
  ["nfs4", "NFS"],
  ["cifs", "SMB/CIFS share"],
  ["smb3", "SMB share"],
  ["smbfs", "SMB share"],
  ["9p", "9p share (WSL2 Windows drive or VM share)"],
  ["virtiofs", "virtiofs VM share"],
  ["fuse.grpcfuse", "Docker Desktop file sharing"],
  ["fuse.osxfs", "Docker Desktop file sharing"],
  ["fakeowner", "Docker Desktop file sharing"],
  ["drvfs", "WSL mount of a Windows drive"],
  ["vboxsf", "VirtualBox shared folder"],
  ["fuse.sshfs", "sshfs"],
]);

/** Mountinfo escapes space, tab, newline and backslash as octal (`\040`). */
function unescapeOctal(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) =>
    String.fromCharCode(Number.parseInt(octal, 8)),
  );
}

/**
 * Parses lines like
 * `36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue`:
 * field 5 is the mount point; after the `-` separator come type and source.
 */
export function parseMountInfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split("\n")) {
    const fields = line.trim().split(" ");
    const dash = fields.indexOf("-", 6);
    const mountPoint = fields[4];
    const fsType = fields[dash + 1];
    if (dash === -1 || mountPoint === undefined || fsType === undefined) continue;
    entries.push({
      mountPoint: unescapeOctal(mountPoint),
      fsType,
      source: unescapeOctal(fields[dash + 2] ?? ""),
    });
  }
  return entries;
}

function contains(mountPoint: string, path: string): boolean {
  if (mountPoint === "/") return path.startsWith("/");
  return path === mountPoint || path.startsWith(`${mountPoint}/`);
}

/** The mount holding `path` (absolute, resolved): the longest matching mount point; the
 * last one listed wins a tie, as it is mounted on top. */
export function findMount(entries: readonly MountEntry[], path: string): MountEntry | null {
  let best: MountEntry | null = null;
  for (const entry of entries) {
    if (!contains(entry.mountPoint, path)) continue;
    if (best === null || entry.mountPoint.length >= best.mountPoint.length) best = entry;
  }
  return best;
}

export interface NoEventMount {
  mount: MountEntry;
  description: string;
}

/** The mount of `path` when it is of a kind that delivers no events, else null. */
export function detectNoEventMount(mountInfoText: string, path: string): NoEventMount | null {
  const mount = findMount(parseMountInfo(mountInfoText), path);
  if (mount === null) return null;
  const description = NO_EVENT_FS_TYPES.get(mount.fsType);
  return description === undefined ? null : { mount, description };
}
