/**
 * What the benchmark scenarios read from Linux /proc, and how they end what they started.
 * Reads: a process's CPU time (utime + stime from /proc/<pid>/stat, and the nanosecond sum
 * of its threads' schedstat for idle figures where one 10 ms tick would be the whole
 * signal), its resident memory (VmRSS, VmHWM from /proc/<pid>/status) and its process tree.
 * The stat line is cut by src/run/proc-info.ts (the engine's parser); parsers here are pure
 * and unit-tested (tests/unit/bench-scale-proc.test.ts); readers return null when the
 * process is gone. Ends: a tool under test runs in its own process group; everything it
 * started is found through the parent links, frozen with SIGSTOP so nothing new can be
 * forked meanwhile, then killed by id. Nothing outside that tree is ever signalled.
 */
import { readdirSync, readFileSync } from "node:fs";
import { isAlive, splitProcStat } from "../../src/run/proc-info.ts";
import { benchDebug } from "./debug.ts";

export interface StatFields {
  pid: number;
  comm: string;
  /** R, S, D, Z (zombie), T (stopped), … */
  state: string;
  ppid: number;
  pgid: number;
  /** Clock ticks spent in user and kernel mode (fields 14 and 15). */
  utime: number;
  stime: number;
  /** Start time in clock ticks since boot (field 22): tells a pid from a later reuse. */
  start: number;
}

/** Parses one /proc/<pid>/stat line; the command name may hold spaces and parentheses. */
export function parseStat(text: string): StatFields | null {
  const split = splitProcStat(text);
  if (split === null) return null;
  const { pid, comm, rest } = split;
  // rest[0] is field 3 (state); field n is rest[n - 3].
  const num = (field: number) => Number(rest[field - 3]);
  const fields = {
    pid,
    comm,
    state: rest[0] ?? "",
    ppid: num(4),
    pgid: num(5),
    utime: num(14),
    stime: num(15),
    start: num(22),
  };
  const numbers = [pid, fields.ppid, fields.pgid, fields.utime, fields.stime, fields.start];
  if (fields.state === "" || !numbers.every(Number.isInteger)) return null;
  return fields;
}

/** A `Key:   1234 kB` field of /proc/<pid>/status, in kB; null when absent. */
export function parseStatusKb(text: string, key: "VmRSS" | "VmHWM" | "RssAnon"): number | null {
  const match = new RegExp(`^${key}:\\s+(\\d+)\\s+kB`, "m").exec(text);
  return match ? Number(match[1]) : null;
}

/** The first field of /proc/<pid>/task/<tid>/schedstat: time on a CPU, in nanoseconds. */
export function parseSchedstatNs(text: string): number | null {
  const first = text.trim().split(/\s+/)[0];
  const ns = Number(first);
  return first !== undefined && first !== "" && Number.isFinite(ns) ? ns : null;
}

/** CPU share of one core, in percent, for `cpuMs` of CPU time over `wallMs`. */
export function cpuPercent(cpuMs: number, wallMs: number): number {
  return wallMs > 0 ? (cpuMs / wallMs) * 100 : Number.NaN;
}

/** pid → children, from a list of parsed stat lines. */
export function childrenOf(stats: readonly Pick<StatFields, "pid" | "ppid">[]) {
  const map = new Map<number, number[]>();
  for (const s of stats) {
    const list = map.get(s.ppid) ?? [];
    list.push(s.pid);
    map.set(s.ppid, list);
  }
  return map;
}

/** The root and every descendant, breadth first (each once, even in a torn snapshot). */
export function treeOf(root: number, stats: readonly Pick<StatFields, "pid" | "ppid">[]) {
  const kids = childrenOf(stats);
  const out: number[] = [];
  const queue = [root];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    if (out.includes(pid)) continue;
    out.push(pid);
    queue.push(...(kids.get(pid) ?? []));
  }
  return out;
}

/** ENOENT/ESRCH: the process (or thread) ended while we looked; "gone" is the answer. */
function isGone(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ESRCH";
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if (isGone(error)) return null;
    throw error;
  }
}

/** Clock ticks per second (`getconf CLK_TCK`; 100 on every Linux we know of). */
export function clockTicks(): number {
  const out = Bun.spawnSync(["getconf", "CLK_TCK"], { stdout: "pipe", stderr: "ignore" });
  const value = Number(out.stdout.toString().trim());
  return Number.isInteger(value) && value > 0 ? value : 100;
}

export function readStat(pid: number): StatFields | null {
  const text = readText(`/proc/${pid}/stat`);
  return text === null ? null : parseStat(text);
}

/** utime + stime in ms (10 ms resolution), including threads that already ended. */
export function readCpuMs(pid: number, ticksPerSecond: number): number | null {
  const stat = readStat(pid);
  return stat === null ? null : ((stat.utime + stat.stime) * 1000) / ticksPerSecond;
}

/** Each live thread's schedstat run time in ms (ns resolution); null when unsupported. */
export function readThreadMs(pid: number): Map<string, number> | null {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch (error) {
    if (isGone(error)) return null;
    throw error;
  }
  const out = new Map<string, number>();
  for (const tid of tids) {
    const text = readText(`/proc/${pid}/task/${tid}/schedstat`);
    if (text === null) continue; // the thread ended between readdir and read
    const ns = parseSchedstatNs(text);
    if (ns === null) return null;
    out.set(`${pid}/${tid}`, ns / 1e6);
  }
  return out;
}

/**
 * CPU ms used between two thread samples: the growth of threads seen twice plus all of
 * the threads born in between. A thread that ended in between is missing (its share is
 * lost); `cpuWindow` falls back to the tick figure when that share shows.
 */
export function threadDeltaMs(before: Map<string, number>, after: Map<string, number>): number {
  let ms = 0;
  for (const [tid, value] of after) ms += value - (before.get(tid) ?? 0);
  return ms;
}

export function readRssKb(
  pid: number,
  key: "VmRSS" | "VmHWM" | "RssAnon" = "VmRSS",
): number | null {
  const text = readText(`/proc/${pid}/status`);
  return text === null ? null : parseStatusKb(text, key);
}

/** Every process now visible in /proc. */
export function readAllStats(): StatFields[] {
  const out: StatFields[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat) out.push(stat);
  }
  return out;
}

/**
 * The tool's own processes: the root and those descendants running the same executable
 * name (nodemon's node processes), not the command it supervises (sh, sleep).
 */
export function ownProcesses(root: number): StatFields[] {
  const stats = readAllStats();
  const byPid = new Map(stats.map((s) => [s.pid, s]));
  const comm = byPid.get(root)?.comm;
  if (comm === undefined) return [];
  return treeOf(root, stats)
    .map((pid) => byPid.get(pid))
    .filter((s): s is StatFields => s !== undefined && s.comm === comm);
}

/** RSS summed over processes, in MB; null when none could be read. */
export function sumRssMb(pids: readonly number[]): number | null {
  let kb = 0;
  let seen = 0;
  for (const pid of pids) {
    const value = readRssKb(pid);
    if (value === null) continue;
    kb += value;
    seen++;
  }
  return seen > 0 ? kb / 1024 : null;
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
    if (frozen.has(pid) || !isAlive(pid)) return false;
    frozen.add(pid);
    signal(pid, "SIGSTOP");
    return true;
  };
  freeze(root);
  for (const pid of extra) freeze(pid);
  for (let more = true; more; ) {
    more = false;
    const all = readAllStats();
    for (const top of [root, ...extra])
      for (const pid of treeOf(top, all).slice(1)) more = freeze(pid) || more;
  }
  signal(-root, "SIGKILL");
  for (const pid of frozen) signal(pid, "SIGKILL");
}
