/**
 * Runs the build command through the platform shell in its own process group, streams its
 * output line by line, keeps the last lines for the error report, and can be cancelled
 * (the whole group: SIGTERM, then SIGKILL after a short grace).
 */
import type { Logger } from "../log.ts";
import { exitStatusOf, reapGroup, spawnGroup, terminateGroup } from "../run/process-group.ts";
import { drainPumps, type OutputFd, pumpLines } from "../run/stream-lines.ts";

export interface BuildResult {
  ok: boolean;
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  /** The last TAIL_LINES lines of stdout and stderr, interleaved as they arrived. */
  tail: string[];
  cancelled: boolean;
}

export interface StartBuildOptions {
  command: string;
  cwd: string;
  env: Record<string, string>;
  onLine(line: string, fd: OutputFd): void;
  log: Logger;
  /** What the debug log calls it: "build" (default), or a hook's name. */
  label?: string;
}

export interface RunningBuild {
  readonly pid: number;
  readonly done: Promise<BuildResult>;
  /** Kills the build's whole group; resolves once it is gone. Idempotent. */
  cancel(): Promise<void>;
}

export const TAIL_LINES = 40;
/** How long a cancelled build gets to exit on SIGTERM before SIGKILL. */
export const CANCEL_GRACE_MS = 500;
const DRAIN_GRACE_MS = 1000;

export function startBuild(opts: StartBuildOptions): RunningBuild {
  const started = performance.now();
  const group = spawnGroup({
    command: opts.command,
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdin: "ignore",
    log: opts.log,
  });
  const tail: string[] = [];
  const onLine = (line: string, fd: OutputFd) => {
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
    opts.onLine(line, fd);
  };
  const pumps = [
    pumpLines(group.proc.stdout, "stdout", onLine, opts.log),
    pumpLines(group.proc.stderr, "stderr", onLine, opts.log),
  ];

  let cancelling: Promise<unknown> | null = null;
  const done = (async (): Promise<BuildResult> => {
    await group.proc.exited;
    const durationMs = Math.round(performance.now() - started);
    // A build that left background processes behind in its group leaves nothing running.
    if (cancelling) await cancelling;
    else await reapGroup(group, opts.log);
    await drainPumps(pumps, DRAIN_GRACE_MS, opts.log);
    const { exitCode, signal } = exitStatusOf(group.proc);
    const cancelled = cancelling !== null;
    opts.log.debug(
      `${opts.label ?? "build"} pid ${group.pid} ${cancelled ? "cancelled" : "finished"}: code ${exitCode} signal ${signal} in ${durationMs}ms`,
    );
    return { ok: !cancelled && exitCode === 0, exitCode, signal, durationMs, tail, cancelled };
  })();

  return {
    pid: group.pid,
    done,
    async cancel() {
      if (!cancelling) {
        opts.log.debug(`cancelling ${opts.label ?? "build"} pid ${group.pid}`);
        cancelling = terminateGroup(group, {
          signal: "SIGTERM",
          timeoutMs: CANCEL_GRACE_MS,
          log: opts.log,
        });
      }
      await cancelling;
      await done;
    },
  };
}
