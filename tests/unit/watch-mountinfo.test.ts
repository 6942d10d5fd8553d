import { describe, expect, test } from "bun:test";
import {
  detectNoEventMount,
  findMount,
  NO_EVENT_FS_TYPES,
  parseMountInfo,
} from "../../src/watch/mountinfo.ts";

// Shaped like real /proc/self/mountinfo from a Debian host, WSL2 and Docker Desktop.
const SAMPLE = `22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw
25 24 0:23 / /dev/shm rw,relatime - tmpfs tmpfs rw,size=24684084k
80 27 0:45 / /home/me/nfs rw,relatime shared:40 - nfs4 server:/export rw,vers=4.2
81 80 254:1 / /home/me/nfs/local rw,relatime - ext4 /dev/vdb rw
90 27 0:50 / /mnt/c rw,noatime - 9p drvfs rw,aname=drvfs;path=C:\\;uid=1000
91 27 0:51 / /host_mnt/Users rw,relatime master:5 master:6 - fakeowner /run/host_mark/Users rw
92 27 0:52 / /work/my\\040project rw,relatime - fuse.grpcfuse grpcfuse rw,user_id=0
93 27 0:53 / /srv/share rw - cifs //nas/share rw
94 27 0:54 / /srv/sharex rw - ext4 /dev/vdc rw
95 93 0:55 / /srv/share rw - ext4 /dev/vdd rw
garbage line
`;

describe("parseMountInfo", () => {
  const entries = parseMountInfo(SAMPLE);
  test("reads mount point, type and source; skips malformed lines", () => {
    expect(entries).toHaveLength(11);
    expect(entries[1]).toEqual({ mountPoint: "/", fsType: "ext4", source: "/dev/vda" });
    expect(entries[3]).toEqual({
      mountPoint: "/home/me/nfs",
      fsType: "nfs4",
      source: "server:/export",
    });
  });
  test("several optional fields before the separator", () => {
    expect(entries[6]?.fsType).toBe("fakeowner");
  });
  test("unescapes octal escapes in paths", () => {
    expect(entries[7]?.mountPoint).toBe("/work/my project");
  });
});

describe("findMount (longest prefix, whole segments)", () => {
  const entries = parseMountInfo(SAMPLE);
  test.each([
    ["/home/me/project", "/"],
    ["/home/me/nfs", "/home/me/nfs"],
    ["/home/me/nfs/app/src", "/home/me/nfs"],
    ["/home/me/nfs/local/app", "/home/me/nfs/local"],
    ["/home/me/nfsx/app", "/"],
    ["/srv/sharex/app", "/srv/sharex"],
    ["/work/my project/src", "/work/my project"],
  ])("%s → %s", (path, mountPoint) => {
    expect(findMount(entries, path)?.mountPoint).toBe(mountPoint);
  });
  test("the mount listed last wins on the same mount point (mounted on top)", () => {
    expect(findMount(entries, "/srv/share/app")?.fsType).toBe("ext4");
  });
  test("no mounts → null", () => {
    expect(findMount([], "/x")).toBeNull();
  });
});

describe("detectNoEventMount", () => {
  test.each([
    ["/home/me/project", null],
    ["/home/me/nfs/app", "nfs4"],
    ["/home/me/nfs/local/app", null],
    ["/mnt/c/Users/me/app", "9p"],
    ["/host_mnt/Users/me/app", "fakeowner"],
    ["/work/my project", "fuse.grpcfuse"],
  ])("%s → %p", (path, fsType) => {
    expect(detectNoEventMount(SAMPLE, path)?.mount.fsType ?? null).toBe(fsType);
  });

  test.each([...NO_EVENT_FS_TYPES.keys()])("%s is detected", (fsType) => {
    const text = `1 0 0:1 / / rw - ext4 /dev/a rw\n2 1 0:2 / /p rw - ${fsType} src rw\n`;
    expect(detectNoEventMount(text, "/p/app")?.description).toBe(NO_EVENT_FS_TYPES.get(fsType)!);
  });
});
