/**
 * A signal during start-up quits cleanly with exit 0, like a signal at any other time, and
 * no server is started. The window is made deterministic: a previous run left a group
 * behind that ignores SIGTERM, so the start-up reaping waits its 1 s grace; the signal is
 * sent while it waits (once the leftover has said it got the TERM).
 */
import { afterEach, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pidfilePath, writePidfile } from "../../src/run/pidfile.ts";
import { startToken } from "../../src/run/proc-info.ts";
import { waitUntil } from "../helpers/dashboard-harness.ts";
import { startHotreload } from "../helpers/hotreload-process.ts";
import { killGroupsQuietly } from "../helpers/run-processes.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const leftovers: number[] = [];
afterEach(() => killGroupsQuietly(leftovers.splice(0)));

test.each(["SIGTERM", "SIGINT", "SIGHUP"] as const)(
  "%s during start-up: exit 0, no server started",
  async (signal) => {
    using dir = tempDir();
    dir.write("server.sh", "touch started; exec sleep 300\n");
    const env = { XDG_STATE_HOME: join(dir.path, ".state") };
    const leftover = Bun.spawn(
      ["sh", "-c", "trap 'echo t >> termed' TERM; while :; do sleep 0.02; done"],
      { cwd: dir.path, detached: true, stdio: ["ignore", "ignore", "ignore"] },
    );
    leftovers.push(leftover.pid);
    const gone = Bun.spawn(["true"]);
    await gone.exited;
    await writePidfile(pidfilePath(dir.path, env), {
      root: dir.path,
      command: "sh server.sh",
      startedAt: Date.now(),
      engine: { pid: gone.pid, start: "1" },
      group: { pgid: leftover.pid, start: startToken(leftover.pid) },
    });
    await using hr = startHotreload(["--exec", "sh server.sh"], { cwd: dir.path, env });
    await waitUntil(
      () => existsSync(join(dir.path, "termed")),
      () => `the leftover got no TERM; stderr: ${hr.stderr.join("\n")}`,
      30_000,
    );
    hr.proc.kill(signal);
    expect(await hr.exited).toBe(0);
    expect(hr.proc.signalCode).toBeNull();
    expect(existsSync(join(dir.path, "started"))).toBe(false);
    expect(hr.count("engine.stopped")).toBe(1);
  },
  60_000,
);
