/**
 * Stopping a server on Windows, which has no signals and no process groups: `taskkill /T /F`
 * ends the whole process tree at once (a forced kill, like SIGKILL). Its exit code is
 * checked, and every wait has a deadline, so a stop never hangs on a tree that will not die:
 * after a failed taskkill the leader is terminated directly, and if even that does not end
 * it, the error says which pid is left and how to end it by hand.
 */
import type { Logger } from "../log.ts";
import type { SpawnedGroup } from "./process-group.ts";
import { taskkillArgv } from "./shell-command.ts";

/** taskkill's exit code when the pid no longer exists: the tree is already gone. */
const TASKKILL_NOT_FOUND = 128;

/** How a stop on Windows is described in the log (there is no stop signal to name). */
export const WINDOWS_STOP = "a forced tree kill (taskkill /T /F)";

export interface WindowsStopOptions {
  /** How long taskkill, and then the leader's exit, may take each. */
  timeoutMs: number;
  log: Logger;
  /** The tree-kill command; tests replace it, Windows uses taskkill. */
  killTreeArgv?: (pid: number) => string[];
}

export interface WindowsStopOutcome {
  forced: true;
  /** False when the leader was still running at the deadline (the error was logged). */
  exited: boolean;
}

function within<T>(promise: Promise<T>, ms: number): Promise<T | "timeout"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Runs the tree kill; returns why it failed, or null when the tree is gone or going. */
async function killTree(pid: number, opts: WindowsStopOptions): Promise<string | null> {
  const argv = (opts.killTreeArgv ?? taskkillArgv)(pid);
  let killer: ReturnType<typeof Bun.spawn>;
  try {
    killer = Bun.spawn(argv, { stdio: ["ignore", "ignore", "pipe"], windowsHide: true });
  } catch (error) {
    return `could not run ${argv[0]}: ${String(error)}`;
  }
  const code = await within(killer.exited, opts.timeoutMs);
  if (code === "timeout") {
    killer.kill();
    return `${argv[0]} did not finish within ${opts.timeoutMs}ms`;
  }
  if (code === 0 || code === TASKKILL_NOT_FOUND) return null;
  const stderr = (await new Response(killer.stderr as ReadableStream).text()).trim();
  return `${argv[0]} exited ${code}${stderr ? `: ${stderr}` : ""}`;
}

export async function stopOnWindows(
  group: SpawnedGroup,
  opts: WindowsStopOptions,
): Promise<WindowsStopOutcome> {
  const { pid, proc } = group;
  if (proc.exitCode !== null || proc.signalCode !== null) return { forced: true, exited: true };
  opts.log.debug(`stopping pid ${pid} with ${WINDOWS_STOP}`);
  const failure = await killTree(pid, opts);
  if (failure !== null) {
    opts.log.warn(
      `${WINDOWS_STOP} of pid ${pid} failed (${failure}); terminating pid ${pid} alone`,
    );
    proc.kill();
  }
  if ((await within(proc.exited, opts.timeoutMs)) !== "timeout")
    return { forced: true, exited: true };
  const tried = failure === null ? WINDOWS_STOP : `TerminateProcess (${failure})`;
  opts.log.error(
    `pid ${pid} is still running ${opts.timeoutMs}ms after ${tried}; end it in Task Manager or with \`taskkill /T /F /PID ${pid}\``,
  );
  return { forced: true, exited: false };
}
