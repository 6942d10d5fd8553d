/**
 * Helpers for tests that start real processes: collect output lines and wait for one with
 * a deadline, wait for pids to die, and clean up groups a failed test left behind.
 */
import { afterEach } from "bun:test";
import { isAlive } from "../../src/run/proc-info.ts";

export interface LineCollector {
  readonly lines: string[];
  onLine(line: string, fd?: "stdout" | "stderr"): void;
  /** Resolves with the first line (already seen or future) matching; rejects at the deadline. */
  waitFor(match: RegExp | string, timeoutMs?: number): Promise<string>;
}

export function createLineCollector(): LineCollector {
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  return {
    lines,
    onLine(line) {
      lines.push(line);
      for (const wake of waiters) wake();
    },
    waitFor(match, timeoutMs = 10_000) {
      const test = (line: string) =>
        typeof match === "string" ? line.includes(match) : match.test(line);
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find(test);
          if (found === undefined) return false;
          cleanup();
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(
              `no line matching ${String(match)} within ${timeoutMs}ms; saw:\n${lines.join("\n")}`,
            ),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(wake);
        };
        const wake = () => void check();
        if (!check()) waiters.add(wake);
      });
    },
  };
}

/** Reads a stream into a collector line by line (for fixtures spawned directly by a test). */
export async function collectStream(
  stream: ReadableStream<Uint8Array>,
  collector: LineCollector,
): Promise<void> {
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of stream) {
    pending += decoder.decode(chunk, { stream: true });
    let newline = pending.indexOf("\n");
    while (newline !== -1) {
      collector.onLine(pending.slice(0, newline));
      pending = pending.slice(newline + 1);
      newline = pending.indexOf("\n");
    }
  }
  if (pending) collector.onLine(pending);
}

/** Polls until every pid is dead (zombies count as dead); returns the elapsed ms. */
export async function waitAllDead(pids: number[], timeoutMs: number): Promise<number> {
  const started = performance.now();
  for (;;) {
    const alive = pids.filter((pid) => isAlive(pid));
    const elapsed = performance.now() - started;
    if (alive.length === 0) return elapsed;
    if (elapsed > timeoutMs) {
      throw new Error(`still alive after ${Math.round(elapsed)}ms: ${alive.join(", ")}`);
    }
    await Bun.sleep(5); // polling interval of a deadline-bounded wait
  }
}

/** Kills whatever is left of these groups (afterEach safety net; ignores missing ones). */
export function killGroupsQuietly(pgids: Iterable<number>): void {
  for (const pgid of pgids) {
    try {
      process.kill(-pgid, "SIGKILL");
    } catch (error) {
      // ESRCH is the normal case: the test already cleaned up.
      if ((error as NodeJS.ErrnoException).code !== "ESRCH") console.error(error);
    }
  }
}

/**
 * A set of process groups the test file's tests add to; after each test whatever is left of
 * them is killed and the set is emptied.
 */
export function leftoverGroups(): Set<number> {
  const groups = new Set<number>();
  afterEach(() => {
    killGroupsQuietly(groups);
    groups.clear();
  });
  return groups;
}

/** Runs a command to its end and returns its output and exit code. */
export async function runToEnd(
  argv: string[],
  options: { cwd: string; env?: Record<string, string | undefined> },
): Promise<{ stdout: string; stderr: string; code: number }> {
  const proc = Bun.spawn(argv, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { stdout, stderr, code };
}

/** Parses the `pids {...}` JSON line fixtures print. */
export function parsePids(line: string): Record<string, number> {
  return JSON.parse(line.slice(line.indexOf("{"))) as Record<string, number>;
}
