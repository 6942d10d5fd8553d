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
    await Bun.sleep(20); // polling interval of a deadline-bounded wait
  }
}

/** The `head -c N` process writing the app's output, once it runs. */
function writerPid(bytes: number): number | null {
  const found = Bun.spawnSync(["pgrep", "-f", `^head -c ${bytes}$`])
    .stdout.toString()
    .trim();
  return found === "" ? null : Number(found.split("\n")[0]);
}

const readProc = (pid: number, file: string) => {
  try {
    return readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    // Gone between the lookup and the read: no progress to report.
    return "";
  }
};
const wchan = (pid: number) => readProc(pid, "wchan").trim();
const writtenBytes = (pid: number) =>
  Number(readProc(pid, "io").match(/^wchar:\s+(\d+)/m)?.[1] ?? -1);

test("a stalled reader holds the app back; memory stays bounded; every byte arrives", async () => {
  using dir = tempDir();
  const fifo = join(dir.path, "out.fifo");
  Bun.spawnSync(["mkfifo", fifo]);
  const reader = Bun.spawn(
    [
      "sh",
      "-c",
      // Counts every byte but newlines: under heavy load the app can pause mid-line for
      // longer than the partial-line window, which hands the text so far over as a line
      // of its own (one more newline); no byte of the app's may go missing either way.
      'exec 3<"$1"; while [ ! -e "$2" ]; do sleep 0.02; done; tr -d "\\n" <&3 | wc -c > "$3"',
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
    // buffer a little, then must stop reading the app: wait until the app's writer is
    // blocked on its pipe and has written nothing since the last look, watching memory.
    let peak = 0;
    let written = -1;
    let still = 0;
    await until(
      "the app to be held back (blocked writing, no progress)",
      () => {
        peak = Math.max(peak, rssMb(hotreload.pid));
        const head = writerPid(BYTES);
        if (head === null) return false;
        // Blocked in a write (to a pipe or, as Bun spawns it, a socket), with no byte
        // written over five looks in a row: ~100 ms in which a reading hotreload would
        // have taken megabytes.
        const now = writtenBytes(head);
        still = now === written && /write|send/.test(wchan(head)) ? still + 1 : 0;
        written = now;
        return still >= 5;
      },
      30_000,
    );
    expect(existsSync(join(dir.path, "app-done"))).toBe(false);
    expect(peak).toBeLessThan(200);
    writeFileSync(join(dir.path, "go"), "");
    await until("the app to finish writing", () => existsSync(join(dir.path, "app-done")), 60_000);
    const finalRss = rssMb(hotreload.pid);
    hotreload.kill("SIGINT");
    expect(await hotreload.exited).toBe(0);
    await reader.exited;
    // Every byte of the app but its newlines (one per full line of LINE plus "\n").
    const newlines = Math.floor(BYTES / (LINE.length + 1));
    expect(Number(readFileSync(join(dir.path, "count"), "utf8").trim())).toBe(BYTES - newlines);
    expect(Math.max(peak, finalRss)).toBeLessThan(200);
  } finally {
    hotreload.kill("SIGKILL");
    reader.kill("SIGKILL");
    await Promise.all([hotreload.exited, reader.exited]);
  }
}, 90_000);
