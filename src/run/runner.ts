/**
 * Runs the server: its own process group, a lifeline to the engine, output line by line,
 * optional stdin, a pidfile entry for reaping after an engine crash, and a graceful stop
 * that resolves only when the whole group is gone (so the port is free for the next one).
 */
import type { FileSink } from "bun";
import type { Logger } from "../log.ts";
import type { PidfileStore } from "./pidfile-store.ts";
import { startToken } from "./proc-info.ts";
import { exitStatusOf, reapGroup, spawnGroup, terminateGroup } from "./process-group.ts";
import { drainPumps, type OutputFd, pumpLines } from "./stream-lines.ts";

export interface ExitStatus {
  exitCode: number | null;
  signal: string | null;
}

export interface StopResult extends ExitStatus {
  /** True when the server ignored the stop signal for the whole timeout and got SIGKILL. */
  forced: boolean;
}

/** Where the runner records the running group so a later start can reap it. */
export interface StatePaths {
  /** The engine's pidfile, shared by its instances (their writes must not cross). */
  pidfile: PidfileStore;
  /** The absolute project root, stored in the pidfile for the reap message. */
  root: string;
}

export interface StartProcessOptions {
  command: string;
  cwd: string;
  env: Record<string, string>;
  forceColor: boolean;
  /** "forward": the child's stdin is a pipe written through `stdin`; "ignore": /dev/null. */
  stdin: "forward" | "ignore";
  onLine(line: string, fd: OutputFd): void;
  /** Backpressure from our output: while it returns a promise, the child is not read. */
  hold?: () => Promise<void> | null;
  log: Logger;
  stop: { signal: string; timeoutMs: number };
  statePaths?: StatePaths;
}

/** The child's stdin, for the engine's stdin forwarder (only the current child gets it). */
export interface ChildStdin {
  write(data: string | Uint8Array): void;
  end(): void;
}

export interface RunningProcess {
  readonly pid: number;
  /** Epoch milliseconds. */
  readonly startedAt: number;
  /** Resolves once the pidfile names this group (at once without one; a failure is a warning). */
  readonly recorded: Promise<void>;
  /** Resolves after the server exited and its group was reaped, all output delivered. */
  readonly exited: Promise<ExitStatus>;
  /** null when started with stdin: "ignore". */
  readonly stdin: ChildStdin | null;
  /** Graceful stop of the whole group; idempotent. */
  stop(): Promise<StopResult>;
}

/** Output still open this long after the exit is held by a detached process: stop reading. */
const DRAIN_GRACE_MS = 1000;

export function startProcess(opts: StartProcessOptions): RunningProcess {
  const env: Record<string, string | undefined> = { ...process.env, ...opts.env };
  if (opts.forceColor) env.FORCE_COLOR = "1";
  opts.log.debug(`starting \`${opts.command}\` in ${opts.cwd}`);
  const group = spawnGroup({
    command: opts.command,
    cwd: opts.cwd,
    env,
    stdin: opts.stdin === "forward" ? "pipe" : "ignore",
    log: opts.log,
  });
  const startedAt = Date.now();
  const { proc, pid } = group;
  const state = opts.statePaths;
  if (state && process.platform === "win32")
    opts.log.debug("pidfile: pids only on Windows (no ps, no process groups to reap by)");
  const recorded = state
    ? state.pidfile
        .record({
          root: state.root,
          command: opts.command,
          startedAt,
          engine: { pid: process.pid, start: startToken(process.pid) },
          group: { pgid: pid, start: startToken(pid), tag: group.run.tag },
        })
        .catch((error: unknown) => {
          // The server is already running and the lifeline still guards it; only the reaping
          // after a hard crash is lost, which is worth a warning, not a failed start.
          opts.log.warn(`could not write pidfile ${state.pidfile.path}: ${String(error)}`);
        })
    : Promise.resolve();
  const pumps = [
    pumpLines(proc.stdout, "stdout", opts.onLine, opts.log, opts.hold),
    pumpLines(proc.stderr, "stderr", opts.onLine, opts.log, opts.hold),
  ];

  let stopping: Promise<{ forced: boolean }> | null = null;
  const exited = (async (): Promise<ExitStatus> => {
    await proc.exited;
    const status = exitStatusOf(proc);
    opts.log.debug(`pid ${pid} exited: code ${status.exitCode} signal ${status.signal}`);
    // A stop in progress reaps the group itself; an exit nobody asked for is reaped here.
    if (stopping) await stopping;
    else await reapGroup(group, opts.log);
    await drainPumps(pumps, DRAIN_GRACE_MS, opts.log);
    if (state)
      await state.pidfile.clear(pid).catch((error: unknown) => {
        // A pidfile that cannot be removed only makes the next start check a dead group.
        opts.log.warn(`could not remove pidfile ${state.pidfile.path}: ${String(error)}`);
      });
    return status;
  })();

  const stdin: ChildStdin | null =
    opts.stdin === "forward" && proc.stdin && typeof proc.stdin !== "number"
      ? wrapStdin(proc.stdin, pid, opts.log)
      : null;

  let stopResult: Promise<StopResult> | null = null;
  return {
    pid,
    startedAt,
    recorded,
    exited,
    stdin,
    stop() {
      if (!stopResult) {
        // Windows has no stop signals: windows-stop.ts logs the forced tree kill it does.
        if (process.platform !== "win32")
          opts.log.debug(`stopping pid ${pid} with ${opts.stop.signal} (${opts.stop.timeoutMs}ms)`);
        stopping = terminateGroup(group, { ...opts.stop, log: opts.log });
        stopResult = (async () => {
          const { forced } = await stopping!;
          const status = await exited;
          return { ...status, forced };
        })();
      }
      return stopResult;
    },
  };
}

function wrapStdin(sink: FileSink, pid: number, log: Logger): ChildStdin {
  let open = true;
  return {
    write(data) {
      if (!open) return;
      try {
        sink.write(data);
        settle(sink.flush(), (error) => {
          open = false;
          log.debug(`stdin of pid ${pid} closed: ${String(error)}`);
        });
      } catch (error) {
        // EPIPE: the child closed its stdin or exited; input for it has nowhere to go.
        open = false;
        log.debug(`stdin of pid ${pid} closed: ${String(error)}`);
      }
    },
    end() {
      if (!open) return;
      open = false;
      try {
        settle(sink.end(), (error) => log.debug(`ending stdin of pid ${pid}: ${String(error)}`));
      } catch (error) {
        // Same as above: ending a pipe whose reader is gone is harmless.
        log.debug(`ending stdin of pid ${pid}: ${String(error)}`);
      }
    },
  };
}

/** FileSink may report EPIPE later, through a promise: never leave it unhandled. */
function settle(result: number | Promise<number>, onError: (error: unknown) => void): void {
  if (result instanceof Promise) result.catch(onError);
}
