import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { groupMembers, isAlive } from "../../src/run/proc-info.ts";
import {
  collectStream,
  createLineCollector,
  leftoverGroups,
  parsePids,
  waitAllDead,
} from "../helpers/run-processes.ts";

const fixture = join(import.meta.dir, "..", "fixtures", "shutdown-parent.ts");
const leftovers = leftoverGroups();

async function startParent(args: string[]) {
  const parent = Bun.spawn(["bun", fixture, ...args], { stdio: ["ignore", "pipe", "inherit"] });
  const out = createLineCollector();
  const reading = collectStream(parent.stdout, out);
  const pids = parsePids(await out.waitFor(/^pids /, 15_000));
  leftovers.add(pids.leader!);
  return { parent, out, pids, reading };
}

/** At the moment the parent has exited, the server group must already be gone. */
function expectGroupGone(pids: Record<string, number>) {
  expect(isAlive(pids.server!)).toBe(false);
  expect(isAlive(pids.grandchild!)).toBe(false);
  expect(groupMembers(pids.leader!)).toEqual([]);
}

describe("installShutdownHandlers (real signals to a real parent)", () => {
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    test(`${signal}: stops the server group gracefully, then exits 0`, async () => {
      const { parent, out, pids, reading } = await startParent(["graceful"]);
      try {
        parent.kill(signal);
        expect(await parent.exited).toBe(0);
        await reading;
        expectGroupGone(pids);
        expect(out.lines).toContain(`quit ${signal}`);
        expect(out.lines).toContain("stopped forced=false");
      } finally {
        parent.kill("SIGKILL");
      }
    });
  }

  for (const how of ["throw", "reject"]) {
    test(`an uncaught error (${how}) stops the server group, then exits 1`, async () => {
      const { parent, out, pids, reading } = await startParent(["graceful", how]);
      try {
        expect(await parent.exited).toBe(1);
        await reading;
        expectGroupGone(pids);
        expect(out.lines).toContain("quit error");
        expect(out.lines.some((l) => l.startsWith("error unexpected error:"))).toBe(true);
      } finally {
        parent.kill("SIGKILL");
      }
    });
  }

  test("a second signal while stopping forces: SIGKILL the group and exit at once", async () => {
    // The server ignores TERM and the stop timeout is long, so only the force can end it.
    const { parent, out, pids, reading } = await startParent(["ignore-term", "wait", "60000"]);
    try {
      parent.kill("SIGINT");
      await out.waitFor("quit SIGINT");
      const t0 = performance.now();
      parent.kill("SIGINT");
      expect(await parent.exited).toBe(0);
      expect(performance.now() - t0).toBeLessThan(5000);
      await reading;
      expect(out.lines.some((l) => l.includes("SIGINT again while stopping"))).toBe(true);
      await waitAllDead([pids.server!, pids.grandchild!], 2000);
    } finally {
      parent.kill("SIGKILL");
    }
  });
});
