/**
 * What the OS says about a pid: alive (a zombie counts as dead), its process group, and a
 * start-time token that tells a process apart from a later one that reused its pid.
 * Linux reads /proc/<pid>/stat; other POSIX systems ask `ps` once per call. Windows has
 * neither, nor process groups: there a pid is alive while `process.kill(pid, 0)` finds it,
 * a group has no members we can list, and there is no start token (the pidfile keeps the
 * pid alone, and nothing reaps by it: see reapLeftovers).
 */
import { readdirSync, readFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";

export interface ProcStat {
  pid: number;
  state: string;
  ppid: number;
  pgid: number;
  sid: number;
  /** Opaque start-time token: clock ticks since boot on Linux, `ps` lstart elsewhere. */
  start: string;
}

/** One /proc/<pid>/stat line cut into its pid, its command name and the fields after it. */
export interface ProcStatFields {
  pid: number;
  comm: string;
  /** Field n of proc(5) is `rest[n - 3]`: state is rest[0], starttime (field 22) rest[19]. */
  rest: string[];
}

/** Splits one /proc/<pid>/stat line; the command name may contain spaces and parentheses. */
export function splitProcStat(text: string): ProcStatFields | null {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return null;
  const rest = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  return { pid: Number(text.slice(0, open).trim()), comm: text.slice(open + 1, close), rest };
}

/** Parses one /proc/<pid>/stat line; the command name may contain spaces and parentheses. */
export function parseProcStat(text: string): ProcStat | null {
  const split = splitProcStat(text);
  if (split === null) return null;
  const { pid, rest } = split;
  const [state, ppid, pgid, sid] = [rest[0], rest[1], rest[2], rest[3]];
  const start = rest[19];
  if (!state || start === undefined || !Number.isInteger(pid)) return null;
  return { pid, state, ppid: Number(ppid), pgid: Number(pgid), sid: Number(sid), start };
}

/** Parses `ps -A -o pid= -o ppid= -o pgid= -o stat= -o lstart=` output (macOS, BSD). */
export function parsePsOutput(text: string): ProcStat[] {
  const rows: ProcStat[] = [];
  for (const line of text.split("\n")) {
    const match = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(.+?)\s*$/.exec(line);
    if (!match) continue;
    const [, pid, ppid, pgid, stat, lstart] = match;
    rows.push({
      pid: Number(pid),
      ppid: Number(ppid),
      pgid: Number(pgid),
      // BSD ps has no session column in this form; the group is what we act on.
      sid: Number(pgid),
      state: (stat ?? "?").slice(0, 1),
      start: lstart ?? "",
    });
  }
  return rows;
}

function readLinuxStat(pid: number): ProcStat | null {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch (error) {
    // ENOENT/ESRCH: no such process (or it exited while we read): that is the answer.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ESRCH") return null;
    throw error;
  }
}

const PS_ARGV = [
  "ps",
  "-A",
  "-o",
  "pid=",
  "-o",
  "ppid=",
  "-o",
  "pgid=",
  "-o",
  "stat=",
  "-o",
  "lstart=",
];
const psEnv = () => ({ ...process.env, LC_ALL: "C" });

function psSnapshot(): ProcStat[] {
  const result = Bun.spawnSync(PS_ARGV, { stdout: "pipe", stderr: "ignore", env: psEnv() });
  return parsePsOutput(result.stdout.toString());
}

async function psSnapshotAsync(): Promise<ProcStat[]> {
  const ps = Bun.spawn(PS_ARGV, { stdout: "pipe", stderr: "ignore", env: psEnv() });
  const [text] = await Promise.all([new Response(ps.stdout).text(), ps.exited]);
  return parsePsOutput(text);
}

async function readLinuxStatAsync(pid: number): Promise<ProcStat | null> {
  try {
    return parseProcStat(await readFile(`/proc/${pid}/stat`, "utf8"));
  } catch (error) {
    // As in readLinuxStat: a process that exited while we read is simply not there.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ESRCH") return null;
    throw error;
  }
}

const hasProc = (platform: NodeJS.Platform) => platform === "linux";
const hasPs = (platform: NodeJS.Platform) => platform !== "linux" && platform !== "win32";

/**
 * Status of one pid, or null when there is no such (living or zombie) process. Always
 * null on Windows, which has no `ps` to ask.
 */
export function procStat(pid: number, platform = process.platform): ProcStat | null {
  if (hasProc(platform)) return readLinuxStat(pid);
  if (!hasPs(platform)) return null;
  return psSnapshot().find((row) => row.pid === pid) ?? null;
}

/** True while the process exists and is not a zombie waiting to be reaped. */
export function isAlive(pid: number, platform = process.platform): boolean {
  if (hasProc(platform)) {
    const stat = readLinuxStat(pid);
    return stat !== null && stat.state !== "Z" && stat.state !== "X";
  }
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM means it exists but belongs to someone else; ESRCH means gone.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  if (!hasPs(platform)) return true;
  const stat = procStat(pid, platform);
  return stat !== null && stat.state !== "Z";
}

/** Every process now (zombies included): /proc on Linux, one `ps` on other POSIX systems. */
export function allProcStats(platform = process.platform): ProcStat[] {
  if (!hasProc(platform)) return hasPs(platform) ? psSnapshot() : [];
  const all: ProcStat[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readLinuxStat(Number(entry));
    if (stat) all.push(stat);
  }
  return all;
}

/**
 * The same as allProcStats without blocking the event loop, which is also the proxy's:
 * the /proc reads run on Bun's thread pool (`ps` as a child process elsewhere). A scan
 * costs ~1 ms per 70 processes here, and far more on a desktop with hundreds running.
 */
export async function allProcStatsAsync(platform = process.platform): Promise<ProcStat[]> {
  if (!hasProc(platform)) return hasPs(platform) ? psSnapshotAsync() : [];
  const pids = (await readdir("/proc")).filter((entry) => /^\d+$/.test(entry));
  const stats = await Promise.all(pids.map((pid) => readLinuxStatAsync(Number(pid))));
  return stats.filter((stat): stat is ProcStat => stat !== null);
}

/** Living (non-zombie) members of a process group. */
export function groupMembers(pgid: number, platform = process.platform): ProcStat[] {
  return allProcStats(platform).filter(
    (s) => s.pgid === pgid && s.state !== "Z" && s.state !== "X",
  );
}

/** The start token of a pid, to store next to it and compare later (pid reuse guard); null on Windows. */
export function startToken(pid: number, platform = process.platform): string | null {
  return procStat(pid, platform)?.start ?? null;
}
