/**
 * hotreload as PID 1 (a container's entrypoint without an init): the kernel re-parents
 * every orphaned process in the container to us, and when one exits it stays a zombie
 * until we wait for it. Bun only waits for the processes it spawned, so this reaps the
 * others: every 500 ms and after each of our own children exits, scan /proc (off the event
 * loop) for zombies whose parent is us and `waitpid(pid, WNOHANG)` them through libc.
 *
 * Never reap a process Bun spawned: Bun waits for it itself and would lose its exit
 * status. While active, the reaper wraps Bun.spawn to keep the set of pids it returned
 * (every spawn in hotreload goes through Bun.spawn or Bun.spawnSync, which waits before
 * returning); close() restores it. Linux only; elsewhere, or when not PID 1, it is inert.
 *
 * `subreaper: true` (Linux): hotreload also becomes a child subreaper
 * (`prctl(PR_SET_CHILD_SUBREAPER)`), so a daemon that a server or build double-forks is
 * re-parented to hotreload instead of init: it stays below us in the process tree, where
 * the stop finds it, and its zombie is reaped here like a PID 1's orphans.
 */
import type { Logger } from "../log.ts";
import { allProcStatsAsync } from "./proc-info.ts";

export interface Pid1Reaper {
  /**
   * Reaps what is reapable now; resolves to the pids reaped. One scan at a time: a call
   * during a scan is answered by one more scan after it.
   */
  reapNow(): Promise<number[]>;
  /** Stops the sweeps; a last scan runs in the background. */
  close(): void;
}

export interface Pid1ReaperOptions {
  log: Logger;
  intervalMs?: number;
  /** Test seams; default process.pid, process.platform. */
  pid?: number;
  platform?: NodeJS.Platform;
  /** Become a child subreaper too (Linux), and reap the orphans that brings. */
  subreaper?: boolean;
}

const WNOHANG = 1;
const PR_SET_CHILD_SUBREAPER = 36;
const INERT: Pid1Reaper = { reapNow: async () => [], close() {} };

/** Zombies that are ours to reap: children of `self`, in state Z, not spawned by Bun. */
export function zombiesToReap(
  stats: readonly { pid: number; ppid: number; state: string }[],
  self: number,
  spawnedByBun: ReadonlySet<number>,
): number[] {
  return stats
    .filter((s) => s.ppid === self && s.state === "Z" && !spawnedByBun.has(s.pid))
    .map((s) => s.pid);
}

type WaitPid = (pid: number, status: null, options: number) => number;
type Prctl = (option: number, arg2: number, arg3: number, arg4: number, arg5: number) => number;

async function loadLibc(log: Logger): Promise<{ waitpid: WaitPid; prctl: Prctl } | null> {
  const { dlopen, FFIType } = await import("bun:ffi");
  const names = ["libc.so.6", "libc.musl-x86_64.so.1", "libc.musl-aarch64.so.1", "libc.so"];
  const { i32, u64, ptr } = FFIType;
  for (const name of names) {
    try {
      const lib = dlopen(name, {
        waitpid: { args: [i32, ptr, i32], returns: i32 },
        prctl: { args: [i32, u64, u64, u64, u64], returns: i32 },
      });
      return {
        waitpid: lib.symbols.waitpid as unknown as WaitPid,
        prctl: lib.symbols.prctl as unknown as Prctl,
      };
    } catch (error) {
      // Not this libc (glibc vs musl); try the next name.
      log.debug(`reaper: dlopen ${name}: ${String(error)}`);
    }
  }
  return null;
}

export async function startPid1Reaper(opts: Pid1ReaperOptions): Promise<Pid1Reaper> {
  const self = opts.pid ?? process.pid;
  if ((self !== 1 && !opts.subreaper) || (opts.platform ?? process.platform) !== "linux")
    return INERT;
  const libc = await loadLibc(opts.log);
  if (!libc) {
    if (self === 1)
      opts.log.warn("running as PID 1 but libc could not be loaded: orphaned zombies will pile up");
    else opts.log.debug("libc could not be loaded: not a subreaper; daemons re-parent to init");
    return INERT;
  }
  const { waitpid } = libc;
  const { log } = opts;
  if (self !== 1) {
    // Only for ourselves: children inherit nothing of it (prctl(2)), and we undo nothing.
    if (libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) !== 0) {
      log.debug("prctl(PR_SET_CHILD_SUBREAPER) failed: daemons re-parent to init");
      return INERT;
    }
    log.debug("child subreaper: daemonised descendants re-parent to hotreload");
  } else log.debug("running as PID 1: reaping orphaned zombies");

  const spawned = new Set<number>();
  const originalSpawn = Bun.spawn;
  // The scan reads /proc off the event loop, which is also the proxy's: run synchronously
  // after every exit (each swap stops an instance), it held requests for 1.5–5 ms.
  const scan = async (): Promise<number[]> => {
    const stats = await allProcStatsAsync("linux");
    const reaped: number[] = [];
    // `spawned` is read now, not when the scan began: a pid Bun spawned meanwhile is skipped.
    for (const pid of zombiesToReap(stats, self, spawned)) {
      if (waitpid(pid, null, WNOHANG) === pid) reaped.push(pid);
    }
    if (reaped.length > 0) log.debug(`pid1: reaped ${reaped.join(", ")}`);
    return reaped;
  };
  let running: Promise<number[]> | null = null;
  let again: Promise<number[]> | null = null;
  const reapNow = (): Promise<number[]> => {
    if (running === null) {
      running = scan().finally(() => {
        running = null;
      });
      return running;
    }
    const rerun = () => {
      again = null;
      return reapNow();
    };
    again ??= running.then(rerun, rerun);
    return again;
  };
  const sweep = () => {
    reapNow().catch((error: unknown) => log.debug(`pid1: a scan failed: ${String(error)}`));
  };
  const tracked = ((...args: Parameters<typeof Bun.spawn>) => {
    const proc = originalSpawn(...args);
    spawned.add(proc.pid);
    void proc.exited.then(() => {
      spawned.delete(proc.pid);
      sweep();
    });
    return proc;
  }) as typeof Bun.spawn;
  Bun.spawn = tracked;
  // A PID 1 adopts every orphan of the container: look often. A subreaper adopts only our
  // own runs' daemons, which the stops reap (after each child exit): a slow sweep is enough
  // for the rest, and scanning /proc every 500 ms on a busy desktop is not free.
  const timer = setInterval(sweep, opts.intervalMs ?? (self === 1 ? 500 : 5000));
  timer.unref();
  return {
    reapNow,
    close() {
      clearInterval(timer);
      if (Bun.spawn === tracked) Bun.spawn = originalSpawn;
      sweep();
    },
  };
}
