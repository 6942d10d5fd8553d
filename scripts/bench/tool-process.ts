/**
 * One tool under test (or the floor, or the hotreload CLI) running in its own process
 * group, its output read line by line so waits are on lines with deadlines that fail
 * showing what was seen. `stop()` ends the tool and everything it started, by id (see
 * killTree in proc-stat.ts), and is safe to call twice.
 */
import { killTree, readAllStats, readStat, type StatFields, signal, treeOf } from "./proc-stat.ts";

export interface Line {
  text: string;
  /** performance.now() when the line arrived. */
  at: number;
}

/** Which output a wait reads: one stream, or both in arrival order (`lines`). */
export type Stream = "stdout" | "stderr" | "both";

export interface ToolProcess extends AsyncDisposable {
  readonly pid: number;
  readonly proc: Bun.Subprocess;
  readonly stdout: Line[];
  readonly stderr: Line[];
  /** stdout and stderr lines together, in arrival order. */
  readonly lines: Line[];
  /** The first line at index >= `from` matching, or an error showing the tail. */
  waitLine(
    stream: Stream,
    match: RegExp | ((text: string) => boolean),
    timeoutMs: number,
    from?: number,
  ): Promise<Line & { index: number }>;
  /** Also end this process on stop (e.g. a server reparented after the tool was killed). */
  adopt(pid: number): void;
  /** The last lines of output, for error messages. */
  tail(count?: number): string;
  /**
   * Ends the tool and all it started. With `graceMs`, SIGTERM first and up to that long
   * for the tool to exit on its own; descendants seen before are ended too if still there.
   */
  stop(graceMs?: number): Promise<void>;
}

export interface StartOptions {
  cwd: string;
  /** Added to this process's environment (with NO_COLOR=1). */
  env?: Record<string, string | undefined>;
  /** "lines" (default) keeps stdout lines; "ignore" sends it to /dev/null; "raw" leaves it. */
  stdout?: "lines" | "ignore" | "raw";
  /** A file fed to the tool's stdin (entr reads its file list there); /dev/null otherwise. */
  stdinFile?: string;
}

export function startTool(argv: string[], options: StartOptions): ToolProcess {
  const proc = Bun.spawn(argv, {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: "1", ...options.env },
    stdin: options.stdinFile ? Bun.file(options.stdinFile) : "ignore",
    stdout: options.stdout === "ignore" ? "ignore" : "pipe",
    stderr: "pipe",
    detached: true,
  });
  const pid = proc.pid;
  const out = { stdout: [] as Line[], stderr: [] as Line[], both: [] as Line[] };
  const adopted: number[] = [];
  const wakers = new Set<() => void>();
  const wake = () => {
    for (const waker of wakers) waker();
  };
  const pump = async (stream: ReadableStream<Uint8Array>, into: Line[]) => {
    const decoder = new TextDecoder();
    let buffer = "";
    const push = (text: string, at: number) => {
      const line = { text: text.replace(/\r$/, ""), at };
      into.push(line);
      out.both.push(line);
    };
    for await (const chunk of stream) {
      const at = performance.now();
      buffer += decoder.decode(chunk, { stream: true });
      for (let i = buffer.indexOf("\n"); i >= 0; i = buffer.indexOf("\n")) {
        push(buffer.slice(0, i), at);
        buffer = buffer.slice(i + 1);
      }
      wake();
    }
    if (buffer) push(buffer, performance.now());
    wake();
  };
  const reading = [pump(proc.stderr as ReadableStream<Uint8Array>, out.stderr)];
  if ((options.stdout ?? "lines") === "lines")
    reading.push(pump(proc.stdout as ReadableStream<Uint8Array>, out.stdout));
  const pumps = Promise.all(reading);
  let exited = false;
  void proc.exited.then(() => {
    exited = true;
    wake();
  });
  const tail = (count = 12) =>
    out.both
      .slice(-count)
      .map((l) => `    ${l.text}`)
      .join("\n");
  const command = argv.join(" ").slice(0, 120);

  /** The descendants now (with start times, so a reused pid is never taken for one). */
  const descendants = (): StatFields[] => {
    const stats = readAllStats();
    const byPid = new Map(stats.map((s) => [s.pid, s]));
    return treeOf(pid, stats)
      .slice(1)
      .flatMap((p) => byPid.get(p) ?? []);
  };
  const end = async (graceMs: number) => {
    let known: StatFields[] = [];
    if (graceMs > 0 && !exited) {
      known = descendants();
      signal(pid, "SIGTERM");
      await Promise.race([proc.exited, Bun.sleep(graceMs)]);
    }
    // Those seen before SIGTERM that left the group (hotreload's child) and are still the
    // same process: end them too, this run started them.
    const left = known.filter((s) => readStat(s.pid)?.start === s.start).map((s) => s.pid);
    const extra = [...adopted, ...left];
    killTree(pid, extra);
    const retry = setTimeout(() => killTree(pid, extra), 5000);
    await proc.exited;
    clearTimeout(retry);
    await Promise.race([pumps, Bun.sleep(2000)]);
  };
  let stopping: Promise<void> | null = null;
  const stop = (graceMs = 0) => {
    stopping ??= end(graceMs);
    return stopping;
  };

  return {
    pid,
    proc,
    stdout: out.stdout,
    stderr: out.stderr,
    lines: out.both,
    adopt: (other) => void adopted.push(other),
    tail,
    stop,
    [Symbol.asyncDispose]: () => stop(),
    waitLine(stream, match, timeoutMs, from = 0) {
      const list = out[stream];
      const test = typeof match === "function" ? match : (text: string) => match.test(text);
      const what = `${stream === "both" ? "" : `${stream} `}line matching ${match instanceof RegExp ? match : "the condition"}`;
      return new Promise((resolve, reject) => {
        const fail = (why: string) => {
          finish();
          reject(new Error(`${why}\n  command: ${command}\n  last lines:\n${tail()}`));
        };
        const check = () => {
          for (let index = from; index < list.length; index++) {
            const line = list[index] as Line;
            if (test(line.text)) {
              finish();
              return resolve({ ...line, index });
            }
          }
          if (exited) fail(`exited (code ${proc.exitCode}) before a ${what}`);
        };
        const timer = setTimeout(() => fail(`no ${what} within ${timeoutMs} ms`), timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          wakers.delete(check);
        };
        wakers.add(check);
        check();
      });
    },
  };
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
