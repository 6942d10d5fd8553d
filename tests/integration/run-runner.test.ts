import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { HotreloadFailure } from "../../src/errors.ts";
import { silentLogger } from "../../src/log.ts";
import { readPidfile } from "../../src/run/pidfile.ts";
import { createPidfileStore } from "../../src/run/pidfile-store.ts";
import { groupMembers, isAlive, procStat } from "../../src/run/proc-info.ts";
import {
  type RunningProcess,
  type StartProcessOptions,
  startProcess,
} from "../../src/run/runner.ts";
import { createLineCollector, killGroupsQuietly, parsePids } from "../helpers/run-processes.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const server = join(import.meta.dir, "..", "fixtures", "run-server.sh");
const started: RunningProcess[] = [];

afterEach(() => {
  killGroupsQuietly(started.map((p) => p.pid));
  started.length = 0;
});

function start(mode: string, extra: Partial<StartProcessOptions> = {}) {
  const out = createLineCollector();
  const proc = startProcess({
    command: `sh ${server} ${mode}`,
    cwd: import.meta.dir,
    env: {},
    forceColor: false,
    stdin: "ignore",
    onLine: out.onLine,
    log: silentLogger,
    stop: { signal: "SIGTERM", timeoutMs: 5000 },
    ...extra,
  });
  started.push(proc);
  return { proc, out };
}

async function ready(out: ReturnType<typeof createLineCollector>) {
  await out.waitFor(/^ready$/);
  return parsePids(await out.waitFor(/^pids /));
}

describe("startProcess", () => {
  test("leads its own group and session, exec'd (the server's pid is the leader's)", async () => {
    const { proc, out } = start("graceful");
    const pids = await ready(out);
    expect(pids.server).toBe(proc.pid);
    const leader = procStat(proc.pid);
    expect(leader?.pgid).toBe(proc.pid);
    expect(leader?.sid).toBe(proc.pid);
    expect(leader?.pgid).not.toBe(procStat(process.pid)?.pgid);
    expect(procStat(pids.grandchild!)?.pgid).toBe(proc.pid);
    // server, grandchild and the lifeline watcher
    expect(groupMembers(proc.pid).length).toBeGreaterThanOrEqual(3);
    // The server did not inherit the lifeline fd.
    expect(readdirSync(`/proc/${proc.pid}/fd`)).not.toContain("3");
    await proc.stop();
  });

  test("graceful stop: the signal reaches the server, and stop resolves once the group is gone", async () => {
    const { proc, out } = start("graceful");
    const pids = await ready(out);
    const result = await proc.stop();
    expect(result).toEqual({ exitCode: 0, signal: null, forced: false });
    expect(out.lines).toContain("got TERM");
    // No polling: stop() promised the whole group is gone when it resolves.
    expect(groupMembers(proc.pid)).toEqual([]);
    expect(isAlive(pids.grandchild!)).toBe(false);
    expect(await proc.stop()).toBe(result);
  });

  test("a server that ignores the signal is SIGKILLed after the timeout", async () => {
    const { proc, out } = start("ignore-term", { stop: { signal: "SIGTERM", timeoutMs: 300 } });
    const pids = await ready(out);
    const t0 = performance.now();
    const result = await proc.stop();
    const ms = performance.now() - t0;
    expect(result).toEqual({ exitCode: null, signal: "SIGKILL", forced: true });
    expect(ms).toBeGreaterThanOrEqual(290);
    expect(isAlive(pids.grandchild!)).toBe(false);
    expect(groupMembers(proc.pid)).toEqual([]);
  });

  test("the configured stop signal is the one sent", async () => {
    const { proc, out } = start("graceful", { stop: { signal: "SIGINT", timeoutMs: 5000 } });
    await ready(out);
    expect((await proc.stop()).forced).toBe(false);
    expect(out.lines).toContain("got TERM"); // the fixture's trap covers INT too
  });

  test("a compound command: stop waits for the real server, not the shell", async () => {
    const { proc, out } = start("slow-term", { command: `true && sh ${server} slow-term` });
    const pids = await ready(out);
    expect(pids.server).not.toBe(proc.pid); // the shell leads; the server is its child
    const result = await proc.stop();
    expect(out.lines).toContain("cleaned up");
    expect(result.forced).toBe(false);
    expect(result.exitCode).toBe(143);
    expect(groupMembers(proc.pid)).toEqual([]);
  });

  test("an exit nobody asked for reaps the rest of the group before `exited` resolves", async () => {
    const { proc, out } = start("crash");
    const pids = await ready(out);
    expect(await proc.exited).toEqual({ exitCode: 3, signal: null });
    expect(isAlive(pids.grandchild!)).toBe(false);
    expect(groupMembers(proc.pid)).toEqual([]);
    // stop() after the fact is harmless and reports the same exit.
    expect(await proc.stop()).toEqual({ exitCode: 3, signal: null, forced: false });
  });

  test("environment: passes through, adds opts.env, FORCE_COLOR only when asked", async () => {
    process.env.HR_INHERITED = "yes";
    try {
      const a = start("env", { env: { HR_TEST: "1" }, forceColor: true });
      await ready(a.out);
      expect(a.out.lines).toContain("env FORCE_COLOR=1 HR_TEST=1 HR_INHERITED=yes");
      await a.proc.stop();
      const b = start("env", { forceColor: false });
      await ready(b.out);
      expect(b.out.lines.some((l) => l.startsWith("env FORCE_COLOR=unset HR_TEST=unset"))).toBe(
        true,
      );
      await b.proc.stop();
    } finally {
      delete process.env.HR_INHERITED;
    }
  });

  test("stdin forward: input written reaches the child; end closes it", async () => {
    const { proc, out } = start("echo-stdin", { stdin: "forward" });
    await ready(out);
    expect(proc.stdin).not.toBeNull();
    proc.stdin!.write("hello\n");
    await out.waitFor(/^got hello$/);
    proc.stdin!.end();
    await out.waitFor(/^eof$/);
    expect(await proc.exited).toEqual({ exitCode: 0, signal: null });
    proc.stdin!.write("after exit is ignored\n");
  });

  test("stdin ignore: the child reads end of input at once and nothing is consumed", async () => {
    const { proc, out } = start("echo-stdin", { stdin: "ignore" });
    await out.waitFor(/^eof$/);
    expect(proc.stdin).toBeNull();
    await proc.exited;
  });

  test("records the group in the pidfile while running and clears it after", async () => {
    using dir = tempDir();
    const pidfile = join(dir.path, "state", "x.pid.json");
    const store = createPidfileStore(pidfile, silentLogger);
    const { proc, out } = start("graceful", { statePaths: { pidfile: store, root: "/some/root" } });
    await Promise.all([ready(out), proc.recorded]);
    const record = readPidfile(pidfile);
    expect(record?.group.pgid).toBe(proc.pid);
    expect(record?.engine.pid).toBe(process.pid);
    expect(record?.group.start).toBe(procStat(proc.pid)!.start);
    expect(record?.root).toBe("/some/root");
    await proc.stop();
    expect(existsSync(pidfile)).toBe(false);
  });

  test("a pidfile that cannot be written is a warning, not a failed start", async () => {
    using dir = tempDir();
    const blocker = dir.write("file", "not a directory");
    const warnings: string[] = [];
    const { proc, out } = start("graceful", {
      statePaths: {
        pidfile: createPidfileStore(join(blocker, "x.pid.json"), silentLogger),
        root: "/r",
      },
      log: { ...silentLogger, warn: (m) => warnings.push(m) },
    });
    await Promise.all([ready(out), proc.recorded]);
    expect(warnings.some((w) => w.includes("could not write pidfile"))).toBe(true);
    expect((await proc.stop()).forced).toBe(false);
  });

  test("a missing working directory is a runtime.spawn error that names it", () => {
    let thrown: unknown;
    try {
      start("graceful", { cwd: "/definitely/not/here" });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(HotreloadFailure);
    expect((thrown as HotreloadFailure).error.code).toBe("runtime.spawn");
    expect((thrown as HotreloadFailure).error.message).toContain("/definitely/not/here");
  });
});
