/**
 * A reader of our output that stops reading (a paused pager, a full pipe) must slow the app
 * down, not fill hotreload's memory, and no byte may be lost once it reads again.
 * hotreload's stdout goes into a FIFO whose reader waits for a "go" file, so the test
 * decides when reading starts.
 */
import { expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MAIN } from "../helpers/hotreload-process.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const BYTES = 150_000_000;
const LINE = "0123456789".repeat(7);

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0) / 1024;
}

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(20);
  }
}

test("a stalled reader holds the app back; memory stays bounded; every byte arrives", async () => {
  using dir = tempDir();
  const fifo = join(dir.path, "out.fifo");
  Bun.spawnSync(["mkfifo", fifo]);
  const reader = Bun.spawn(
    [
      "sh",
      "-c",
      'exec 3<"$1"; while [ ! -e "$2" ]; do sleep 0.02; done; wc -c <&3 > "$3"',
      "reader",
      fifo,
      join(dir.path, "go"),
      join(dir.path, "count"),
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  const app = `yes ${LINE} | head -c ${BYTES}; echo started > ${join(dir.path, "app-done")}; exec sleep 300`;
  const hotreload = Bun.spawn(
    [
      process.execPath,
      MAIN,
      "--root",
      join(dir.path, "project"),
      "--exec",
      app,
      "--no-notifications",
    ],
    {
      stdin: "ignore",
      stdout: Bun.file(fifo),
      stderr: "pipe",
      env: { ...process.env, NO_COLOR: "1", XDG_STATE_HOME: join(dir.path, "state") },
    },
  );
  dir.write("project/README", "watched\n");
  try {
    // The app writes far more than any pipe holds. With the reader stalled, hotreload may
    // buffer a little, then must stop reading the app: watch its memory for two seconds.
    let peak = 0;
    const watchUntil = performance.now() + 2000;
    while (performance.now() < watchUntil) {
      peak = Math.max(peak, rssMb(hotreload.pid));
      await Bun.sleep(50);
    }
    expect(existsSync(join(dir.path, "app-done"))).toBe(false);
    expect(peak).toBeLessThan(200);
    writeFileSync(join(dir.path, "go"), "");
    await until("the app to finish writing", () => existsSync(join(dir.path, "app-done")), 60_000);
    const finalRss = rssMb(hotreload.pid);
    hotreload.kill("SIGINT");
    expect(await hotreload.exited).toBe(0);
    await reader.exited;
    // Every byte of the app, plus the newline closing its last partial line.
    expect(Number(readFileSync(join(dir.path, "count"), "utf8").trim())).toBe(BYTES + 1);
    expect(Math.max(peak, finalRss)).toBeLessThan(200);
  } finally {
    hotreload.kill("SIGKILL");
    reader.kill("SIGKILL");
    await Promise.all([hotreload.exited, reader.exited]);
  }
}, 90_000);
