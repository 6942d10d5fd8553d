/**
 * hotreload as PID 1, in a new PID namespace (`unshare --pid --fork --mount-proc`), as it
 * runs as a container's entrypoint: an orphaned grandchild is re-parented to it and must
 * be reaped once it exits, and SIGTERM must stop the server gracefully and exit 0.
 * The server script looks from inside the namespace (its /proc) and reports what it saw.
 */
import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { zombiesToReap } from "../../src/run/pid1-reaper.ts";
import { compiledBinary } from "../helpers/compiled-binary.ts";
import { MAIN, startHotreload } from "../helpers/hotreload-process.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const unshare = Bun.which("unshare");

/** The unshare prefix that works here (root, or a user namespace mapping us to root). */
function findUnshare(): { argv: string[] } | { skip: string } {
  if (process.platform !== "linux" || !unshare) return { skip: "needs Linux with unshare" };
  const errors: string[] = [];
  for (const extra of [[], ["--user", "--map-root-user"]]) {
    const argv = [unshare, ...extra, "--pid", "--fork", "--mount-proc"];
    const probe = Bun.spawnSync([...argv, "true"], { stderr: "pipe" });
    if (probe.exitCode === 0) return { argv };
    errors.push(`${argv.slice(1).join(" ")}: ${probe.stderr.toString().trim()}`);
  }
  return { skip: `no new PID namespace allowed here (${errors.join("; ")})` };
}

const found = findUnshare();
const skipReason = "skip" in found ? found.skip : null;
const prefix = "argv" in found ? found.argv : [];
if (skipReason) console.warn(`run-pid1: skipped: ${skipReason}`);

/** The host pid of unshare's forked child (PID 1 inside the namespace). */
function childOf(parent: number): number | null {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === parent) return Number(entry);
    } catch (error) {
      // Gone while we looked: not the one we want.
      void error;
    }
  }
  return null;
}

const SERVER = `
sh -c 'sleep 0.3 & echo $! > orphan.pid'
read pid < orphan.pid
parent=$(cut -d' ' -f4 /proc/$pid/stat)
echo "orphan $pid parent $parent"
seen_zombie=0
i=0
while [ -e /proc/$pid ] && [ $i -lt 300 ]; do
  [ "$(cut -d' ' -f3 /proc/$pid/stat 2>/dev/null)" = Z ] && seen_zombie=1
  i=$((i+1)); sleep 0.05
done
if [ -e /proc/$pid ]; then echo "orphan left as $(cut -d' ' -f3 /proc/$pid/stat)"; else echo "orphan reaped (zombie seen: $seen_zombie)"; fi
trap 'echo "server got TERM"; exit 0' TERM
echo ready
while :; do sleep 0.05; done
`;

// From source (bun as PID 1) and as the compiled binary a Docker image ships (bun:ffi
// loading libc inside a standalone executable).
test.skipIf(skipReason !== null).each([["source"], ["compiled binary"]])(
  "%s as PID 1: reaps an orphaned zombie grandchild; SIGTERM stops the server, exits 0",
  async (kind) => {
    const hotreload = kind === "source" ? [process.execPath, MAIN] : [await compiledBinary()];
    using project = tempDir();
    using state = tempDir();
    project.write("server.sh", SERVER);
    await using hr = startHotreload(
      ["--exec", "sh server.sh", "--ext", ".sh", "--no-notifications", "--stop-timeout", "5s"],
      {
        cwd: project.path,
        command: [...prefix, ...hotreload],
        env: { XDG_STATE_HOME: state.path, HOTRELOAD_LOG_LEVEL: "debug" },
      },
    );
    const started = await hr.waitFor("engine.started");
    expect(started.pid).toBe(1);
    const orphan = await hr.waitFor("log", (e) => e.line.startsWith("orphan "));
    // Its shell parent exited at once: the kernel handed the sleep to PID 1, us.
    expect(orphan.line).toMatch(/^orphan \d+ parent 1$/);
    const outcome = await hr.waitFor(
      "log",
      (e) => e.line.startsWith("orphan reaped") || e.line.startsWith("orphan left"),
      30_000,
    );
    expect(outcome.line).toStartWith("orphan reaped");
    await hr.waitFor("log", (e) => e.line === "ready");

    const init = childOf(hr.proc.pid);
    if (init === null) throw new Error(`no child of unshare (pid ${hr.proc.pid}) found`);
    process.kill(init, "SIGTERM");
    expect(await hr.exited).toBe(0);
    expect(hr.events.some((e) => e.type === "log" && e.line === "server got TERM")).toBe(true);
    const exited = hr.events.find((e) => e.type === "process.exited");
    expect(exited).toMatchObject({ exitCode: 0 });
    expect(hr.events.at(-1)).toMatchObject({ type: "engine.stopped", code: 0 });
  },
  180_000,
);

test("only zombies whose parent is us and that Bun did not spawn are reaped", () => {
  const stats = [
    { pid: 10, ppid: 1, state: "Z" }, // orphan re-parented to us: reap
    { pid: 11, ppid: 1, state: "Z" }, // Bun spawned it: Bun waits for it
    { pid: 12, ppid: 1, state: "S" }, // alive
    { pid: 13, ppid: 7, state: "Z" }, // someone else's child
  ];
  expect(zombiesToReap(stats, 1, new Set([11]))).toEqual([10]);
});
