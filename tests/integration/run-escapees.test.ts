/**
 * Processes that leave the server's process group (`set -m`, `setpgid`), or its session
 * (`setsid`, a double-forked daemon) are stopped with it: at a stop, after a crash, when
 * the engine is SIGKILLed (the lifeline), and by the next start's pidfile reaping. None of
 * them makes a stop wait longer.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { silentLogger } from "../../src/log.ts";
import { type PidRecord, reapLeftovers, writePidfile } from "../../src/run/pidfile.ts";
import { isAlive } from "../../src/run/proc-info.ts";
import { newRunTag, RUN_TAG_ENV, runMembers } from "../../src/run/run-members.ts";
import { type RunningProcess, startProcess } from "../../src/run/runner.ts";
import {
  collectStream,
  createLineCollector,
  type LineCollector,
  parsePids,
  waitAllDead,
} from "../helpers/run-processes.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const fixtures = join(import.meta.dir, "..", "fixtures");
const server = join(fixtures, "run-server.sh");
const escapees: number[] = [];
const runs: RunningProcess[] = [];

afterEach(() => {
  for (const pid of [...runs.splice(0).map((r) => r.pid), ...escapees.splice(0)])
    if (pid > 1 && isAlive(pid)) process.kill(pid, "SIGKILL");
});

async function escapeesOf(out: LineCollector) {
  const pids = parsePids(await out.waitFor(/^escapees /)) as Record<string, number>;
  const list = [pids.pgchild!, pids.daemon!, pids.session!];
  escapees.push(...list);
  await out.waitFor(/^ready$/);
  expect(list.every((pid) => isAlive(pid))).toBe(true);
  return list;
}

function startEscaping(mode = "escape") {
  const out = createLineCollector();
  const proc = startProcess({
    command: `sh ${server} ${mode}`,
    cwd: fixtures,
    env: {},
    forceColor: false,
    stdin: "ignore",
    onLine: out.onLine,
    log: silentLogger,
    stop: { signal: "SIGTERM", timeoutMs: 5000 },
  });
  runs.push(proc);
  return { proc, out };
}

describe("descendants outside the group", () => {
  test("a stop ends them all, and takes no longer than the server's own 300 ms", async () => {
    const { proc, out } = startEscaping();
    const list = await escapeesOf(out);
    const asked = performance.now();
    const result = await proc.stop();
    const ms = performance.now() - asked;
    expect(result.forced).toBe(false);
    expect(list.filter((pid) => isAlive(pid))).toEqual([]);
    // slow-term takes ~300 ms; the setsid child holding stdout must not add the 1 s drain.
    expect(ms).toBeLessThan(900);
  });

  test("a crash: `exited` resolves only once they are gone too", async () => {
    const { proc, out } = startEscaping();
    const list = await escapeesOf(out);
    process.kill(proc.pid, "SIGKILL");
    await proc.exited;
    expect(list.filter((pid) => isAlive(pid))).toEqual([]);
  });

  test("SIGKILL of the engine: the lifeline takes them down", async () => {
    const parent = Bun.spawn(["bun", join(fixtures, "lifeline-parent.ts"), "escape"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const out = createLineCollector();
    void collectStream(parent.stdout, out);
    try {
      const pids = parsePids(await out.waitFor(/^pids /, 15_000));
      const list = [pids.pgchild!, pids.daemon!, pids.session!];
      escapees.push(pids.server!, ...list);
      expect(list.every((pid) => isAlive(pid))).toBe(true);
      parent.kill("SIGKILL");
      await waitAllDead([pids.server!, ...list], 3000);
    } finally {
      parent.kill("SIGKILL");
      await parent.exited;
    }
  });

  test("the next start's reaping finds a tagged daemon in its own session", async () => {
    using dir = tempDir();
    const tag = newRunTag();
    // As if the group and its engine were gone and only a setsid daemon of the run were left.
    const daemonOut = createLineCollector();
    const spawner = Bun.spawn(["setsid", "sh", "-c", "sleep 305 >/dev/null 2>&1 & echo $!"], {
      env: { ...process.env, [RUN_TAG_ENV]: tag },
      stdio: ["ignore", "pipe", "ignore"],
    });
    await collectStream(spawner.stdout, daemonOut);
    const daemon = Number(daemonOut.lines[0]);
    escapees.push(daemon);
    const gone = Bun.spawn(["true"]);
    await gone.exited;
    const record: PidRecord = {
      root: "/proj",
      command: "sh run-server.sh",
      startedAt: Date.now(),
      engine: { pid: gone.pid, start: "1" },
      group: { pgid: gone.pid, start: "1", tag },
    };
    const path = join(dir.path, "p.json");
    await writePidfile(path, record);
    expect((await runMembers({ leader: gone.pid, tag })).map((m) => m.pid)).toEqual([daemon]);
    const result = await reapLeftovers("/proj", { log: silentLogger, path });
    expect(result).toMatchObject({ kind: "reaped", pids: [daemon] });
    expect(isAlive(daemon)).toBe(false);
  });
});
