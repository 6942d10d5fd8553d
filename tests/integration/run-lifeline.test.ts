import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { isAlive } from "../../src/run/proc-info.ts";
import {
  collectStream,
  createLineCollector,
  leftoverGroups,
  parsePids,
  waitAllDead,
} from "../helpers/run-processes.ts";

const parentScript = join(import.meta.dir, "..", "fixtures", "lifeline-parent.ts");
const leftovers = leftoverGroups();

/** Starts an engine stand-in, waits for its pids, SIGKILLs it, and times the group's death. */
async function killEngine(mode: string) {
  const parent = Bun.spawn(["bun", parentScript, mode], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const out = createLineCollector();
  void collectStream(parent.stdout, out);
  try {
    const pids = parsePids(await out.waitFor(/^pids /, 15_000)) as Record<string, number> & {
      members: number[];
    };
    leftovers.add(pids.leader!);
    const all = [pids.leader!, pids.server!, pids.grandchild!, ...pids.members];
    expect(all.every((pid) => isAlive(pid))).toBe(true);
    expect(pids.members.length).toBeGreaterThanOrEqual(3); // server, grandchild, watcher
    parent.kill("SIGKILL");
    const serverMs = await waitAllDead([pids.server!, pids.grandchild!], 1000);
    const ms = serverMs + (await waitAllDead(all, 1000 - serverMs));
    return { ms, serverMs, pids };
  } finally {
    parent.kill("SIGKILL");
    await parent.exited;
  }
}

describe("lifeline: SIGKILL of the engine takes the whole server group down", () => {
  test("a server that honours SIGTERM dies with its grandchildren within 1 s", async () => {
    const { ms, serverMs } = await killEngine("graceful");
    console.log(
      `lifeline (server honours TERM): server+grandchild gone ${serverMs.toFixed(0)}ms, whole group ${ms.toFixed(0)}ms after SIGKILL`,
    );
    expect(ms).toBeLessThan(1000);
  });

  test("a server that ignores SIGTERM is SIGKILLed by the watcher within 1 s", async () => {
    const { ms, serverMs } = await killEngine("ignore-term");
    console.log(
      `lifeline (server ignores TERM): server+grandchild gone ${serverMs.toFixed(0)}ms, whole group ${ms.toFixed(0)}ms after SIGKILL`,
    );
    expect(serverMs).toBeGreaterThan(250); // it really waited for the grace period, then KILLed
    expect(ms).toBeLessThan(1000);
  });
});
