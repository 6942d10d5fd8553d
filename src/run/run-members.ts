/**
 * Every process a run (a build or a server) started, wherever it went: its process group,
 * its session (a child that called `setpgid` or `set -m` stays in it), the descendants of
 * those by parent links (a `setsid` child whose parent still lives), and on Linux every
 * process that carries the run's tag in its environment (a double-forked daemon whose
 * parent is gone; it was re-parented to hotreload as subreaper, or to init).
 *
 * The tag is a random `HOTRELOAD_RUN` value given to the run's environment at spawn, so a
 * process that has it is ours whatever its pid, group or parent (no pid-reuse guard is
 * needed for it). Linux reads /proc; other POSIX systems ask `ps` (group and parent links
 * only: their environment is not readable there).
 *
 * A scan reads every process's stat (and the environment of those that could carry the
 * tag: started no earlier than the leader). The engine's stops scan asynchronously, off the
 * event loop that also serves the proxy; only the last-resort kill scans synchronously.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { Logger } from "../log.ts";
import { allProcStats, allProcStatsAsync, type ProcStat } from "./proc-info.ts";
import type { Platform } from "./shell-command.ts";

export const RUN_TAG_ENV = "HOTRELOAD_RUN";

export interface RunIdentity {
  /** pid of the group leader: its group id and, from setsid, its session id. */
  leader: number;
  /** The run's HOTRELOAD_RUN value; null for records written before tags existed. */
  tag: string | null;
  /**
   * The leader's start token (proc-info.ts), when known: a process that started before it
   * cannot have inherited the tag, so its environment is never read.
   */
  since?: string | null;
}

export function newRunTag(): string {
  return randomBytes(8).toString("hex");
}

/** The tag in a living process's environment (Linux), so a pid alone finds its run. */
export function runTagOf(pid: number, platform: Platform = process.platform): string | null {
  if (platform !== "linux") return null;
  try {
    const entry = readFileSync(`/proc/${pid}/environ`, "latin1")
      .split("\0")
      .find((pair) => pair.startsWith(`${RUN_TAG_ENV}=`));
    return entry ? entry.slice(RUN_TAG_ENV.length + 1) : null;
  } catch (error) {
    // Gone (or not ours to read): the group and session still find its processes.
    void error;
    return null;
  }
}

interface Snapshot {
  stats: ProcStat[];
  /** True when the environment of a pid carries the tag (Linux only; false elsewhere). */
  tagged(pid: number, tag: string): boolean;
}

/** True when an environment block (NUL-separated) holds HOTRELOAD_RUN=<tag>. */
function hasTag(environ: Buffer, tag: string): boolean {
  const needle = `${RUN_TAG_ENV}=${tag}\0`;
  const at = environ.indexOf(needle);
  return at === 0 || (at > 0 && environ[at - 1] === 0);
}

function linuxSnapshot(): Snapshot {
  return {
    stats: allProcStats("linux"),
    tagged(pid, tag) {
      try {
        return hasTag(readFileSync(`/proc/${pid}/environ`), tag);
      } catch (error) {
        // EACCES (another user's process: not ours) or gone: either way not a member.
        void error;
        return false;
      }
    },
  };
}

/** linuxSnapshot read off the event loop: only the environments selectMembers will ask for. */
async function linuxSnapshotAsync(run: RunIdentity, self: number): Promise<Snapshot> {
  const stats = await allProcStatsAsync("linux");
  const tag = run.tag;
  if (tag === null) return { stats, tagged: () => false };
  const asked = stats.filter((s) => !inGroup(run, s, true) && mayCarryTag(run, s, self));
  const found = await Promise.all(
    asked.map((s) =>
      readFile(`/proc/${s.pid}/environ`).then(
        (environ) => hasTag(environ, tag),
        // EACCES (another user's process: not ours) or gone: either way not a member.
        () => false,
      ),
    ),
  );
  const tagged = new Set(asked.filter((_, i) => found[i]).map((s) => s.pid));
  return { stats, tagged: (pid) => tagged.has(pid) };
}

function psSnapshot(platform: Platform): Snapshot {
  return { stats: allProcStats(platform), tagged: () => false };
}

const living = (s: ProcStat) => s.state !== "Z" && s.state !== "X";

const inGroup = (run: RunIdentity, s: ProcStat, sessions: boolean) =>
  run.leader > 1 && (s.pgid === run.leader || (sessions && s.sid === run.leader));

/** Linux start tokens are clock ticks since boot: an older process has a smaller one. */
const startedBefore = (s: ProcStat, since: string | null | undefined) =>
  since != null && /^\d+$/.test(since) && /^\d+$/.test(s.start) && Number(s.start) < Number(since);

/** Whether the environment of `s` is worth reading for the run's tag. */
const mayCarryTag = (run: RunIdentity, s: ProcStat, self: number) =>
  run.tag !== null && s.pid !== self && s.pid > 2 && living(s) && !startedBefore(s, run.since);

/** Pure selection over a snapshot: the members of a run, without `self` (hotreload). */
export function selectMembers(
  run: RunIdentity,
  snapshot: Snapshot,
  self: number,
  sessions: boolean,
): ProcStat[] {
  const byPid = new Map(snapshot.stats.map((s) => [s.pid, s]));
  const members = new Set<number>();
  for (const s of snapshot.stats) {
    if (s.pid === self || s.pid <= 2) continue;
    if (inGroup(run, s, sessions)) members.add(s.pid);
    else if (mayCarryTag(run, s, self) && snapshot.tagged(s.pid, run.tag as string))
      members.add(s.pid);
  }
  // Descendants by parent links (a setsid child whose parent, a member, still runs).
  const children = new Map<number, number[]>();
  for (const s of snapshot.stats) {
    const list = children.get(s.ppid) ?? [];
    list.push(s.pid);
    children.set(s.ppid, list);
  }
  const queue = [...members];
  while (queue.length > 0) {
    const pid = queue.pop() as number;
    for (const child of children.get(pid) ?? []) {
      if (child === self || members.has(child)) continue;
      members.add(child);
      queue.push(child);
    }
  }
  return [...members]
    .map((pid) => byPid.get(pid))
    .filter((s): s is ProcStat => s !== undefined && living(s));
}

/** Living members of the run right now (never hotreload itself), read off the event loop. */
export async function runMembers(
  run: RunIdentity,
  platform: Platform = process.platform,
  self: number = process.pid,
): Promise<ProcStat[]> {
  if (platform !== "linux")
    return selectMembers(
      run,
      { stats: await allProcStatsAsync(platform), tagged: () => false },
      self,
      false,
    );
  return selectMembers(run, await linuxSnapshotAsync(run, self), self, true);
}

/** runMembers, synchronously: for the last-resort kill, which cannot wait. */
export function runMembersNow(
  run: RunIdentity,
  platform: Platform = process.platform,
  self: number = process.pid,
): ProcStat[] {
  const linux = platform === "linux";
  return selectMembers(run, linux ? linuxSnapshot() : psSnapshot(platform), self, linux);
}

/**
 * Sends a signal to the run: its group in one call, then each of `members` outside the
 * group. Returns how many of those were signalled.
 */
export function signalMembers(
  run: RunIdentity,
  signal: string,
  log: Logger,
  members: readonly ProcStat[],
): number {
  // leader 0: a record whose leader pid was reused; only its tagged processes are ours.
  if (run.leader > 1) signalGroupOf(run.leader, signal, log);
  return signalStrays(run, signal, log, members);
}

/**
 * signalMembers with a fresh snapshot, taken off the event loop: the group at once, the
 * members outside it once the scan has found them.
 */
export async function signalRun(
  run: RunIdentity,
  signal: string,
  log: Logger,
  platform: Platform = process.platform,
): Promise<number> {
  if (run.leader > 1) signalGroupOf(run.leader, signal, log);
  return signalStrays(run, signal, log, await runMembers(run, platform));
}

function signalStrays(
  run: RunIdentity,
  signal: string,
  log: Logger,
  members: readonly ProcStat[],
): number {
  let strays = 0;
  for (const member of members) {
    if (member.pgid === run.leader || member.pid <= 1) continue;
    try {
      process.kill(member.pid, signal as NodeJS.Signals);
      strays++;
    } catch (error) {
      // It exited since the snapshot (ESRCH): nothing left to signal.
      log.debug(`${signal} to pid ${member.pid}: ${String(error)}`);
    }
  }
  if (strays > 0)
    log.debug(`${signal} to ${strays} process(es) of run ${run.leader} outside its group`);
  return strays;
}

/**
 * SIGKILLs the run until no living member is left, or the deadline. Right after a SIGKILL
 * members are usually gone within a millisecond: look again soon, then less often.
 */
export async function killRunUntilGone(
  run: RunIdentity,
  timeoutMs: number,
  log: Logger,
  platform: Platform = process.platform,
): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  let pause = 1;
  for (;;) {
    const members = await runMembers(run, platform);
    if (members.length === 0) return true;
    if (performance.now() >= deadline) return false;
    signalMembers(run, "SIGKILL", log, members);
    await Bun.sleep(pause);
    pause = Math.min(pause * 2, 15);
  }
}

function signalGroupOf(pgid: number, signal: string, log: Logger): void {
  try {
    process.kill(-pgid, signal as NodeJS.Signals);
  } catch (error) {
    // ESRCH: the group is gone; its strays (if any) are still signalled.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ESRCH")
      log.warn(`could not send ${signal} to process group ${pgid}: ${String(error)}`);
  }
}
