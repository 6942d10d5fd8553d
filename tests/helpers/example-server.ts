/**
 * Starts an example server as a real child process and follows its output line by line,
 * so tests wait for "listening on …" instead of sleeping. Dispose with `await using`.
 */
import type { Subprocess } from "bun";

export interface ServerProcess extends AsyncDisposable {
  readonly pid: number;
  readonly exited: Promise<number>;
  /** Every stdout and stderr line seen so far. */
  lines(): readonly string[];
  /** Resolves with the first line (already seen or future) matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code, or rejects after the deadline showing the output. */
  waitForExit(timeoutMs?: number): Promise<number>;
  kill(signal: NodeJS.Signals): void;
}

const DEFAULT_TIMEOUT_MS = 15_000;

export function startServer(
  command: string[],
  options: { cwd: string; env?: Record<string, string> },
): ServerProcess {
  const proc: Subprocess<"ignore", "pipe", "pipe"> = Bun.spawn(command, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const seen: string[] = [];
  const waiters = new Set<() => void>();
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    let partial = "";
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      partial += decoder.decode(chunk, { stream: true });
      const parts = partial.split("\n");
      partial = parts.pop() ?? "";
      seen.push(...parts);
      for (const wake of waiters) wake();
    }
    if (partial !== "") seen.push(partial);
    for (const wake of waiters) wake();
  };
  const pumped = Promise.all([pump(proc.stdout), pump(proc.stderr)]);
  const shown = () => `output so far:\n${seen.map((l) => `  | ${l}`).join("\n") || "  (none)"}`;

  const waitForLine = (pattern: RegExp, timeoutMs = DEFAULT_TIMEOUT_MS) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const check = () => {
        for (const line of seen) {
          const match = line.match(pattern);
          if (match) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(match);
            return;
          }
        }
      };
      timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; ${shown()}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });

  const waitForExit = async (timeoutMs = DEFAULT_TIMEOUT_MS) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`process did not exit within ${timeoutMs} ms; ${shown()}`)),
        timeoutMs,
      );
    });
    try {
      const code = await Promise.race([proc.exited, deadline]);
      await pumped;
      return code;
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    pid: proc.pid,
    exited: proc.exited,
    lines: () => seen,
    waitForLine,
    waitForExit,
    kill: (signal) => proc.kill(signal),
    async [Symbol.asyncDispose]() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
      await proc.exited;
    },
  };
}

/** Builds examples/go-server (or another Go package) to `binary`; throws with go's output. */
export async function buildGoServer(go: string, packageDir: string, binary: string): Promise<void> {
  const build = Bun.spawn([go, "build", "-o", binary, "."], {
    cwd: packageDir,
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, CGO_ENABLED: "0" },
  });
  const [code, stderr] = await Promise.all([build.exited, new Response(build.stderr).text()]);
  if (code !== 0) throw new Error(`go build failed (exit ${code}):\n${stderr}`);
}
