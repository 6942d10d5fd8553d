/**
 * Finding and ending the processes a benchmark started, by their ids. A tool under test is
 * spawned in its own process group; everything it started (servers, builds, grandchildren)
 * is found through the parent links in /proc, frozen with SIGSTOP so nothing new can be
 * forked meanwhile, then killed by id. Nothing outside that tree is ever signalled.
 */
import { readdirSync, readFileSync } from "node:fs";
import { benchDebug } from "./debug.ts";

export interface ProcStat {
  pid: number;
  ppid: number;
  pgid: number;
  /** R, S, D, Z (zombie), T (stopped), … */
  state: string;
}

/** Parses /proc/<pid>/stat; the command name may hold spaces and parentheses. */
export function parseProcStat(text: string): ProcStat | null {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return null;
  const pid = Number(text.slice(0, open).trim());
  const fields = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const [state, ppid, pgid] = [fields[0], Number(fields[1]), Number(fields[2])];
  if (!state || !Number.isInteger(pid) || !Number.isInteger(ppid) || !Number.isInteger(pgid))
    return null;
  return { pid, ppid, pgid, state };
}

export function readProcStat(pid: number): ProcStat | null {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch (error) {
    // ENOENT/ESRCH: the process is gone, which is what the caller asks about.
    benchDebug(`no /proc/${pid}/stat: ${String(error)}`);
    return null;
  }
}

export function listProcesses(): ProcStat[] {
  const all: ProcStat[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readProcStat(Number(name));
    if (stat) all.push(stat);
  }
  return all;
}

/** Every process below `root` in the parent tree (not `root` itself). */
export function descendantsOf(root: number, all: readonly ProcStat[]): number[] {
  const children = new Map<number, number[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const found: number[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    if (found.includes(pid)) continue;
    found.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

/** True while the process exists and is not a zombie waiting to be reaped. */
export function isRunning(pid: number): boolean {
  const stat = readProcStat(pid);
  return stat !== null && stat.state !== "Z" && stat.state !== "X";
}

/** Sends a signal, returning false when the process (or group, for a negative id) is gone. */
export function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch (error) {
    // ESRCH: already gone. EPERM would mean a recycled id we do not own: leave it alone.
    benchDebug(`kill ${pid} ${name}: ${String(error)}`);
    return false;
  }
}

/**
 * Ends `root`'s group, every descendant of `root`, and the `extra` ids (processes it
 * started that were reparented, e.g. orphans after the tool was killed). Freezes first so
 * a supervisor cannot restart anything between the snapshot and the kill.
 */
export function killTree(root: number, extra: readonly number[] = []): void {
  const frozen = new Set<number>();
  const freeze = (pid: number) => {
    if (frozen.has(pid) || !isRunning(pid)) return false;
    frozen.add(pid);
    signal(pid, "SIGSTOP");
    return true;
  };
  freeze(root);
  for (const pid of extra) freeze(pid);
  for (let more = true; more; ) {
    more = false;
    const all = listProcesses();
    for (const top of [root, ...extra])
      for (const pid of descendantsOf(top, all)) more = freeze(pid) || more;
  }
  signal(-root, "SIGKILL");
  for (const pid of frozen) signal(pid, "SIGKILL");
}
