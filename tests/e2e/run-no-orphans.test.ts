/**
 * No orphans, ever: whatever stops the engine, the server's whole group (grandchildren
 * too) is gone afterwards. The server here is a shell that starts a grandchild.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { isAlive as alive } from "../../src/run/proc-info.ts";
import { startHotreload } from "../helpers/hotreload-process.ts";
import { waitAllDead as goneWithin } from "../helpers/run-processes.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const SERVER = `sh -c 'sleep 300 & echo "pids $$ $!"; wait'`;

async function startServer(dir: string, server = SERVER, extra: string[] = []) {
  const hr = startHotreload(["--exec", server, "--no-notifications", ...extra], {
    cwd: dir,
    env: { XDG_STATE_HOME: join(dir, "state"), XDG_CACHE_HOME: join(dir, "cache") },
  });
  const line = await hr.waitFor("log", (e) => e.line.startsWith("pids "));
  const pids = line.line.split(" ").slice(1).map(Number);
  expect(pids.every((pid) => alive(pid))).toBe(true);
  return { hr, pids };
}

describe("no orphans", () => {
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    test(`${signal} to the engine stops the server group and exits 0`, async () => {
      using dir = tempDir();
      const { hr, pids } = await startServer(dir.path);
      await using _ = hr;
      hr.proc.kill(signal);
      expect(await hr.exited).toBe(0);
      await goneWithin(pids, 2000);
    });
  }

  test("a second Ctrl-C while the server ignores SIGTERM: SIGKILL the group and exit at once", async () => {
    using dir = tempDir();
    const stubborn = `sh -c 'trap "" TERM INT; sleep 300 & echo "pids $$ $!"; wait; wait'`;
    const { hr, pids } = await startServer(dir.path, stubborn, ["--stop-timeout", "60s"]);
    await using _ = hr;
    hr.proc.kill("SIGINT");
    await hr.waitFor("process.stopping");
    const started = performance.now();
    hr.proc.kill("SIGINT");
    await hr.exited;
    // Well before the 60 s stop timeout: the second signal forced it.
    expect(performance.now() - started).toBeLessThan(5000);
    await goneWithin(pids, 2000);
  });

  test("kill -9 of the engine: the lifeline takes the group down within 1 s", async () => {
    using dir = tempDir();
    const { hr, pids } = await startServer(dir.path);
    hr.proc.kill("SIGKILL");
    await hr.exited;
    const ms = await goneWithin(pids, 1000);
    expect(ms).toBeLessThan(1000);
  });
});
