/**
 * Runs one tool for a benchmark scenario: spawned detached (its own process group), its
 * output lines kept with the time they arrived, waits with a deadline that fail showing
 * what was seen, and a stop that ends only what this run started: SIGTERM to the tool,
 * then SIGKILL to its group and to any descendant recorded while it ran (same start time,
 * so a reused pid is never hit).
 */
import { readAllStats, readStat, type StatFields, treeOf } from "./proc-stat.ts";

export interface Line {
  text: string;
  /** performance.now() when the line arrived. */
  at: number;
}

export interface ToolRun extends AsyncDisposable {
  readonly pid: number;
  readonly proc: Bun.Subprocess;
  readonly stdout: Line[];
  readonly stderr: Line[];
  /** The first line from index `from` on matching, or a rejection showing the last lines. */
  waitLine(
    fd: "stdout" | "stderr",
    match: (text: string) => boolean,
    deadlineMs: number,
    from?: number,
  ): Promise<Line & { index: number }>;
  /** Notes the current descendants so stop() can end those that left the group. */
  noteTree(): void;
  stop(graceMs?: number): Promise<void>;
}

export interface ToolOptions {
  cwd: string;
  env?: Record<string, string>;
  /** "lines" (default) keeps stdout lines; "ignore" sends it to /dev/null; "raw" leaves it. */
  stdout?: "lines" | "ignore" | "raw";
  stdin?: "ignore" | Bun.BunFile;
}

export function spawnTool(argv: string[], options: ToolOptions): ToolRun {
  const proc = Bun.spawn(argv, {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: "1", ...options.env },
    stdin: options.stdin ?? "ignore",
    stdout: options.stdout === "ignore" ? "ignore" : "pipe",
    stderr: "pipe",
    detached: true,
  });
  const pid = proc.pid;
  const lines = { stdout: [] as Line[], stderr: [] as Line[] };
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const waiter of waiters) waiter();
  };
  const pump = async (stream: ReadableStream<Uint8Array>, into: Line[]) => {
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of stream) {
      buffer += decoder.decode(chunk, { stream: true });
      const at = performance.now();
      for (let i = buffer.indexOf("\n"); i >= 0; i = buffer.indexOf("\n")) {
        into.push({ text: buffer.slice(0, i), at });
        buffer = buffer.slice(i + 1);
      }
      wake();
    }
    if (buffer) into.push({ text: buffer, at: performance.now() });
    wake();
  };
  const pumps: Promise<void>[] = [pump(proc.stderr as ReadableStream<Uint8Array>, lines.stderr)];
  if ((options.stdout ?? "lines") === "lines")
    pumps.push(pump(proc.stdout as ReadableStream<Uint8Array>, lines.stdout));
  let exited = false;
  void proc.exited.then(() => {
    exited = true;
    wake();
  });
  const known = new Map<number, StatFields>();

  return {
    pid,
    proc,
    ...lines,
    waitLine(fd, match, deadlineMs, from = 0) {
      const list = lines[fd];
      return new Promise((resolve, reject) => {
        let next = from;
        const check = () => {
          for (; next < list.length; next++) {
            const line = list[next] as Line;
            if (match(line.text)) {
              finish();
              resolve({ ...line, index: next });
              return;
            }
          }
          if (exited) fail(`the process exited (code ${proc.exitCode})`);
        };
        const fail = (why: string) => {
          finish();
          const tail = [...lines.stderr.slice(-8), ...lines.stdout.slice(-8)].map((l) => l.text);
          reject(
            new Error(`${argv.join(" ").slice(0, 120)}: ${why}; last lines:\n${tail.join("\n")}`),
          );
        };
        const timer = setTimeout(
          () => fail(`no matching ${fd} line within ${deadlineMs} ms`),
          deadlineMs,
        );
        const finish = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    noteTree() {
      const stats = readAllStats();
      const byPid = new Map(stats.map((s) => [s.pid, s]));
      for (const p of treeOf(pid, stats)) {
        const stat = byPid.get(p);
        if (stat) known.set(p, stat);
      }
    },
    async stop(graceMs = 3000) {
      if (!exited) this.noteTree();
      signal(pid, "SIGTERM");
      const timer = new Promise((resolve) => setTimeout(resolve, graceMs, "late"));
      await Promise.race([proc.exited, timer]);
      signal(-pid, "SIGKILL");
      for (const [p, stat] of known) {
        // A descendant that moved to its own group (hotreload's child) and is still the
        // same process: end it too, it was started by this run.
        if (readStat(p)?.start === stat.start) signal(p, "SIGKILL");
      }
      await proc.exited;
      await Promise.race([Promise.all(pumps), new Promise((r) => setTimeout(r, 2000))]);
    },
    async [Symbol.asyncDispose]() {
      await this.stop(0);
    },
  };
}

/** Sends a signal; a process or group that already ended is not an error. */
export function signal(target: number, name: NodeJS.Signals): void {
  try {
    process.kill(target, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

/** Waits until `condition()` holds, polling every `everyMs`, or fails with `what`. */
export async function waitUntil(
  condition: () => boolean,
  what: string,
  deadlineMs: number,
  everyMs = 25,
): Promise<void> {
  const end = performance.now() + deadlineMs;
  while (!condition()) {
    if (performance.now() > end) throw new Error(`${what}: not within ${deadlineMs} ms`);
    await Bun.sleep(everyMs);
  }
}
