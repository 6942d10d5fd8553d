/**
 * One tool under test (or the floor) running in its own process group, its output read
 * line by line so waits are on lines with deadlines. `stop()` ends the tool and everything
 * it started, by id (see process-tree.ts), and is safe to call twice.
 */
import { killTree } from "./process-tree.ts";

export interface Line {
  text: string;
  /** performance.now() when the line arrived. */
  at: number;
}

export interface ToolProcess extends AsyncDisposable {
  readonly pid: number;
  readonly lines: Line[];
  readonly exited: Promise<number>;
  /** The first line at index >= `from` matching `pattern`, or an error showing the tail. */
  waitLine(pattern: RegExp, timeoutMs: number, from?: number): Promise<Line & { index: number }>;
  /** Also end this process on stop (e.g. a server reparented after the tool was killed). */
  adopt(pid: number): void;
  /** The last lines of output, for error messages. */
  tail(count?: number): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  /** A file fed to the tool's stdin (entr reads its file list there); /dev/null otherwise. */
  stdinFile?: string;
}

export function startTool(argv: string[], options: StartOptions): ToolProcess {
  const proc = Bun.spawn(argv, {
    cwd: options.cwd,
    env: options.env,
    stdin: options.stdinFile ? Bun.file(options.stdinFile) : "ignore",
    stdout: "pipe",
    stderr: "pipe",
    detached: true,
  });
  const pid = proc.pid;
  const lines: Line[] = [];
  const adopted: number[] = [];
  const wakers = new Set<() => void>();
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of stream) {
      const at = performance.now();
      buffer += decoder.decode(chunk, { stream: true });
      for (let i = buffer.indexOf("\n"); i >= 0; i = buffer.indexOf("\n")) {
        lines.push({ text: buffer.slice(0, i).replace(/\r$/, ""), at });
        buffer = buffer.slice(i + 1);
      }
      for (const wake of wakers) wake();
    }
    if (buffer) lines.push({ text: buffer, at: performance.now() });
  };
  const pumps = Promise.all([pump(proc.stdout), pump(proc.stderr)]);
  let done = false;
  const exited = proc.exited.then((code) => {
    done = true;
    for (const wake of wakers) wake();
    return code;
  });
  const tail = (count = 12) =>
    lines
      .slice(-count)
      .map((l) => `    ${l.text}`)
      .join("\n");

  const stop = async () => {
    killTree(pid, adopted);
    const deadline = setTimeout(() => killTree(pid, adopted), 5000);
    await exited;
    clearTimeout(deadline);
    await Promise.race([pumps, Bun.sleep(2000)]);
  };

  return {
    pid,
    lines,
    exited,
    adopt: (other) => void adopted.push(other),
    tail,
    stop,
    [Symbol.asyncDispose]: stop,
    waitLine(pattern, timeoutMs, from = 0) {
      return new Promise((resolve, reject) => {
        const check = () => {
          for (let index = from; index < lines.length; index++) {
            const line = lines[index] as Line;
            if (pattern.test(line.text)) {
              finish();
              return resolve({ ...line, index });
            }
          }
          if (done) {
            finish();
            reject(new Error(`exited before a line matching ${pattern}:\n${tail()}`));
          }
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms:\n${tail()}`));
        }, timeoutMs);
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
