/**
 * Spawning a command in its own process group with a lifeline, signalling the whole group,
 * and waiting until the group is really gone. Shared by the builder and the runner.
 */
import { closeSync } from "node:fs";
import type { Subprocess } from "bun";
import { timerDelay } from "../clock.ts";
import { HotreloadFailure, hotreloadError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { startToken } from "./proc-info.ts";
import {
  killRunUntilGone,
  newRunTag,
  RUN_TAG_ENV,
  type RunIdentity,
  runMembersNow,
  runTagOf,
  signalMembers,
  signalRun,
} from "./run-members.ts";
import { type Platform, shellArgv, taskkillArgv } from "./shell-command.ts";
import { stopOnWindows } from "./windows-stop.ts";

export type GroupProcess = Subprocess<"pipe" | "ignore", "pipe", "pipe">;

export interface SpawnedGroup {
  readonly proc: GroupProcess;
  /** pid of the group leader, which is also the process group id on POSIX. */
  readonly pid: number;
  /** The leader and the HOTRELOAD_RUN tag every descendant inherits (see run-members.ts). */
  readonly run: RunIdentity;
  /** Closes the engine's end of the lifeline (idempotent); the watcher then kills the group. */
  releaseLifeline(): void;
}

export interface SpawnGroupOptions {
  command: string;
  cwd: string;
  env: Record<string, string | undefined>;
  stdin: "pipe" | "ignore";
  log: Logger;
  platform?: Platform;
}

export function spawnGroup(opts: SpawnGroupOptions): SpawnedGroup {
  const platform = opts.platform ?? process.platform;
  const windows = platform === "win32";
  const argv = shellArgv(opts.command, { platform, lifeline: !windows });
  const tag = newRunTag();
  let proc: GroupProcess;
  try {
    proc = Bun.spawn(argv, {
      cwd: opts.cwd,
      env: { ...opts.env, [RUN_TAG_ENV]: tag },
      // POSIX: setsid, so the child leads a new group and session. Windows: keep it attached.
      detached: !windows,
      windowsVerbatimArguments: windows,
      windowsHide: true,
      // fd 3 is the lifeline: a socket whose other end only this process holds.
      stdio: windows ? [opts.stdin, "pipe", "pipe"] : [opts.stdin, "pipe", "pipe", "pipe"],
    }) as unknown as GroupProcess;
  } catch (error) {
    throw new HotreloadFailure(
      hotreloadError(
        "runtime.spawn",
        `Could not start \`${opts.command}\` in ${opts.cwd}: ${String(error)}`,
        "Check that the directory exists and that a shell (sh, or cmd.exe on Windows) is available.",
      ),
    );
  }
  let lifeline = windows ? null : (proc.stdio[3] as unknown as number | null);
  opts.log.debug(`spawned pid ${proc.pid} (group leader) for \`${opts.command}\``);
  return {
    proc,
    pid: proc.pid,
    // The leader's start token (a /proc read on Linux; elsewhere `ps` would block, and the
    // environment cannot be read there anyway) keeps older processes out of tag scans.
    run: { leader: proc.pid, tag, since: platform === "linux" ? startToken(proc.pid) : null },
    releaseLifeline() {
      if (typeof lifeline !== "number") return;
      const fd = lifeline;
      lifeline = null;
      try {
        closeSync(fd);
      } catch (error) {
        // Only EBADF is possible, and only if someone else closed it; nothing is left to do.
        opts.log.debug(`closing lifeline fd ${fd}: ${String(error)}`);
      }
    },
  };
}

/** Exit code and signal name of an exited leader. */
export function exitStatusOf(proc: GroupProcess): {
  exitCode: number | null;
  signal: string | null;
} {
  const signal = proc.signalCode;
  return { exitCode: proc.exitCode, signal: signal == null ? null : String(signal) };
}

/**
 * Last resort, synchronous (a second Ctrl-C): SIGKILL the whole group, or on Windows
 * `taskkill /T /F`, which ends the process tree.
 */
export function killGroupNow(
  pid: number,
  log: Logger,
  platform: Platform = process.platform,
): void {
  if (platform !== "win32") {
    const run = { leader: pid, tag: runTagOf(pid) };
    signalMembers(run, "SIGKILL", log, runMembersNow(run));
    return;
  }
  // Synchronous, so bounded: a taskkill that hangs must not keep hotreload from exiting.
  const result = Bun.spawnSync(taskkillArgv(pid), {
    stdio: ["ignore", "ignore", "ignore"],
    timeout: 5000,
  });
  if (!result.success)
    log.warn(`taskkill /T /F of pid ${pid} failed (exit ${result.exitCode ?? "timeout"})`);
}

export interface TerminateOutcome {
  /** True when the leader outlived the grace period and needed SIGKILL. */
  forced: boolean;
}

/**
 * Graceful stop of a whole group: the signal to the group, up to timeoutMs for the leader
 * to exit, then SIGKILL. Once the leader is gone, whatever is left of the group (the
 * lifeline watcher, stray grandchildren) is killed and awaited, so the port is free.
 */
export async function terminateGroup(
  group: SpawnedGroup,
  opts: { signal: string; timeoutMs: number; log: Logger; platform?: Platform },
): Promise<TerminateOutcome> {
  const platform = opts.platform ?? process.platform;
  if (platform === "win32") {
    // A build's short cancel grace would cut taskkill off on a busy machine: at least 2 s.
    await stopOnWindows(group, { timeoutMs: Math.max(opts.timeoutMs, 2000), log: opts.log });
    return { forced: true };
  }
  let forced = false;
  if (group.proc.exitCode === null && group.proc.signalCode === null) {
    // The whole run at once: a worker in its own group or session gets the same grace.
    await signalRun(group.run, opts.signal, opts.log);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = await Promise.race([
      group.proc.exited.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), timerDelay(opts.timeoutMs));
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      forced = true;
      opts.log.debug(`pid ${group.pid} ignored ${opts.signal} for ${opts.timeoutMs}ms: SIGKILL`);
      await signalRun(group.run, "SIGKILL", opts.log);
      await group.proc.exited;
    }
  }
  await reapGroup(group, opts.log);
  return { forced };
}

/**
 * After the leader exited: kill what is left of the run (its group, strays in other groups
 * or sessions) and wait until it is gone.
 */
export async function reapGroup(group: SpawnedGroup, log: Logger): Promise<void> {
  if (process.platform !== "win32") {
    if (!(await killRunUntilGone(group.run, 5000, log))) {
      log.warn(`processes of run ${group.pid} still alive 5s after SIGKILL`);
    }
  }
  group.releaseLifeline();
}
