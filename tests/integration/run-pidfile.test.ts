import { describe, expect, test } from "bun:test";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { silentLogger } from "../../src/log.ts";
import {
  type PidRecord,
  pidfilePath,
  readPidfile,
  reapLeftovers,
  writePidfile,
} from "../../src/run/pidfile.ts";
import { createPidfileStore } from "../../src/run/pidfile-store.ts";
import { groupMembers, isAlive, startToken } from "../../src/run/proc-info.ts";
import {
  collectStream,
  createLineCollector,
  leftoverGroups,
  parsePids,
} from "../helpers/run-processes.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const server = join(import.meta.dir, "..", "fixtures", "run-server.sh");
const leftovers = leftoverGroups();

/** A server group with no lifeline, as if its engine died and the lifeline never fired. */
async function orphanGroup() {
  const proc = Bun.spawn(["sh", server, "graceful"], {
    detached: true,
    stdio: ["ignore", "pipe", "ignore"],
  });
  leftovers.add(proc.pid);
  const out = createLineCollector();
  void collectStream(proc.stdout, out);
  await out.waitFor(/^ready$/);
  return { proc, pids: parsePids(await out.waitFor(/^pids /)) };
}

/** A pid that existed and is gone: a stand-in for a dead engine. */
async function deadPid(): Promise<number> {
  const proc = Bun.spawn(["true"]);
  await proc.exited;
  return proc.pid;
}

function record(pgid: number, engine: PidRecord["engine"]): PidRecord {
  return {
    root: "/proj",
    command: "sh run-server.sh",
    startedAt: Date.now(),
    engine,
    group: { pgid, start: startToken(pgid) },
  };
}

describe("reapLeftovers", () => {
  test("kills a group whose engine is gone, removes the file, says what it did", async () => {
    using dir = tempDir();
    const env = { XDG_STATE_HOME: join(dir.path, "state") };
    const path = pidfilePath("/proj", env);
    expect(path.startsWith(join(dir.path, "state", "hotreload"))).toBe(true);
    const { proc, pids } = await orphanGroup();
    await writePidfile(path, record(proc.pid, { pid: await deadPid(), start: "1" }));
    const result = await reapLeftovers("/proj", { log: silentLogger, env });
    expect(result).toMatchObject({ kind: "reaped", pgid: proc.pid });
    if (result.kind === "reaped") {
      expect(result.message).toBe(`reaped leftover server group ${proc.pid} from a previous run`);
      expect(result.pids).toContain(pids.grandchild!);
    }
    expect(isAlive(pids.server!)).toBe(false);
    expect(isAlive(pids.grandchild!)).toBe(false);
    expect(groupMembers(proc.pid)).toEqual([]);
    expect(existsSync(path)).toBe(false);
  });

  test("leaves the group alone while its engine still runs", async () => {
    using dir = tempDir();
    const path = join(dir.path, "p.json");
    const { proc, pids } = await orphanGroup();
    const engine = Bun.spawn(["sleep", "30"]);
    try {
      await writePidfile(
        path,
        record(proc.pid, { pid: engine.pid, start: startToken(engine.pid) }),
      );
      const result = await reapLeftovers("/proj", { log: silentLogger, path });
      expect(result).toMatchObject({ kind: "engine-alive", enginePid: engine.pid });
      expect(isAlive(pids.grandchild!)).toBe(true);
      expect(readPidfile(path)).not.toBeNull();
    } finally {
      engine.kill("SIGKILL");
    }
  });

  test("pid reuse: a recorded engine pid now running something else does not count", async () => {
    using dir = tempDir();
    const path = join(dir.path, "p.json");
    const { proc, pids } = await orphanGroup();
    const unrelated = Bun.spawn(["sleep", "30"]);
    try {
      await writePidfile(
        path,
        record(proc.pid, { pid: unrelated.pid, start: "not-its-start-time" }),
      );
      const result = await reapLeftovers("/proj", { log: silentLogger, path });
      expect(result.kind).toBe("reaped");
      expect(isAlive(pids.grandchild!)).toBe(false);
      expect(isAlive(unrelated.pid)).toBe(true);
    } finally {
      unrelated.kill("SIGKILL");
    }
  });

  test("pid reuse: a group id now led by a different process is never signalled", async () => {
    using dir = tempDir();
    const path = join(dir.path, "p.json");
    const { proc, pids } = await orphanGroup();
    await writePidfile(path, {
      ...record(proc.pid, { pid: await deadPid(), start: "1" }),
      group: { pgid: proc.pid, start: "a-different-process" },
    });
    const result = await reapLeftovers("/proj", { log: silentLogger, path });
    expect(result).toEqual({ kind: "stale", pgid: proc.pid });
    expect(isAlive(pids.server!)).toBe(true);
    expect(existsSync(path)).toBe(false);
  });

  test("a group that is already gone, a missing file and a corrupt file reap nothing", async () => {
    using dir = tempDir();
    const path = join(dir.path, "p.json");
    expect(await reapLeftovers("/proj", { log: silentLogger, path })).toEqual({ kind: "none" });
    writeFileSync(path, "{ not json");
    expect(await reapLeftovers("/proj", { log: silentLogger, path })).toEqual({ kind: "none" });
    const gone = await deadPid();
    await writePidfile(path, {
      ...record(gone, { pid: await deadPid(), start: "1" }),
      group: { pgid: gone, start: "1" },
    });
    expect(await reapLeftovers("/proj", { log: silentLogger, path })).toEqual({
      kind: "stale",
      pgid: gone,
    });
  });
});

describe("createPidfileStore", () => {
  const named = (pgid: number): PidRecord => ({
    ...record(process.pid, { pid: process.pid, start: null }),
    group: { pgid, start: null },
  });

  test("operations land in the order asked, even when none is awaited", async () => {
    using dir = tempDir();
    const path = join(dir.path, "state", "p.pid.json");
    const store = createPidfileStore(path, silentLogger);
    // An overlap swap: the old instance's record, the new one's, then the old one's clear.
    const done = [store.record(named(101)), store.record(named(202)), store.clear(101)];
    await Promise.all(done);
    expect(readPidfile(path)?.group.pgid).toBe(202);
    await store.clear(202);
    expect(existsSync(path)).toBe(false);
  });

  test("a failed write rejects its caller only; the next operation still runs", async () => {
    using dir = tempDir();
    const blocker = dir.write("state", "not a directory");
    const path = join(blocker, "p.pid.json");
    const store = createPidfileStore(path, silentLogger);
    await expect(store.record(named(101))).rejects.toThrow();
    rmSync(blocker);
    await expect(store.record(named(303))).resolves.toBeUndefined();
    expect(readPidfile(path)?.group.pgid).toBe(303);
  });
});
