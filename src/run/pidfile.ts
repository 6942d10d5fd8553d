/**
 * The pidfile: one small JSON file per project root in the user's state directory (never
 * in the project tree) naming the engine and the server group it runs. If the engine died
 * without cleaning up (SIGKILL, power loss, a lifeline that could not fire), the next start
 * reaps the group. Start-time tokens guard against pids the OS has since reused.
 */
import { readFileSync, rmSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { rootKey } from "../config/dirs.ts";
import type { Logger } from "../log.ts";
import { procStat } from "./proc-info.ts";
import { killRunUntilGone, type RunIdentity, runMembers, signalMembers } from "./run-members.ts";
import type { Platform } from "./shell-command.ts";

type Env = Record<string, string | undefined>;

export interface PidRecord {
  root: string;
  command: string;
  /** Epoch milliseconds. */
  startedAt: number;
  engine: { pid: number; start: string | null };
  /** `tag`: the run's HOTRELOAD_RUN value, which finds its daemons in other sessions. */
  group: { pgid: number; start: string | null; tag?: string | null };
}

/** $XDG_STATE_HOME/hotreload, ~/Library/Application Support/hotreload, %LOCALAPPDATA%\hotreload. */
export function stateDir(
  env: Env = process.env,
  platform: Platform = process.platform,
  home: string = homedir(),
): string {
  if (platform === "win32")
    return join(env.LOCALAPPDATA || join(home, "AppData", "Local"), "hotreload");
  if (platform === "darwin") return join(home, "Library", "Application Support", "hotreload");
  return join(env.XDG_STATE_HOME || join(home, ".local", "state"), "hotreload");
}

export function pidfilePath(
  root: string,
  env: Env = process.env,
  platform: Platform = process.platform,
  home: string = homedir(),
): string {
  return join(stateDir(env, platform, home), `${rootKey(root)}.pid.json`);
}

/**
 * Atomic write (temp file + rename), so a crash mid-write never leaves half a record.
 * Asynchronous: right after a build wrote its output, ext4 can hold a rename for hundreds
 * of milliseconds behind its journal, and hotreload's event loop (its proxy's too) must not
 * wait for that (see pidfile-store.ts).
 */
export async function writePidfile(path: string, record: PidRecord): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temp, `${JSON.stringify(record)}\n`);
    await rename(temp, path);
  } catch (error) {
    // ENOSPC, EIO, a directory in the way: no half-written temp file stays behind.
    await rm(temp, { force: true });
    throw error;
  }
}

export function readPidfile(path: string, log?: Logger): PidRecord | null {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  return parsePidRecord(text, path, log);
}

function parsePidRecord(text: string, path: string, log?: Logger): PidRecord | null {
  try {
    const value = JSON.parse(text) as PidRecord;
    if (typeof value?.group?.pgid !== "number" || typeof value?.engine?.pid !== "number") {
      return null;
    }
    return value;
  } catch (error) {
    // A truncated or foreign file cannot name a group safely: treat it as absent.
    log?.debug(`ignoring unreadable pidfile ${path}: ${String(error)}`);
    return null;
  }
}

/** Removes the pidfile if it still names this group (a newer run may have replaced it). */
export async function clearPidfile(path: string, pgid: number, log: Logger): Promise<void> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  const record = parsePidRecord(text, path, log);
  if (record && record.group.pgid !== pgid) return;
  await rm(path, { force: true });
  log.debug(`cleared pidfile ${path}`);
}

export type ReapResult =
  | { kind: "none" }
  | { kind: "stale"; pgid: number }
  | { kind: "engine-alive"; enginePid: number; message: string }
  | { kind: "reaped"; pgid: number; enginePid: number; pids: number[]; message: string };

/** True when pid is the same process that was recorded (not a later one reusing the pid). */
function sameProcess(pid: number, start: string | null, platform: Platform): boolean {
  const stat = procStat(pid, platform);
  if (!stat || stat.state === "Z") return false;
  return start === null || stat.start === start;
}

/**
 * Kills a server group left by a previous run whose engine is gone, and says what it did;
 * the caller prints `message`. Never touches a group whose engine still runs, nor a group
 * id that now belongs to an unrelated process.
 */
export async function reapLeftovers(
  root: string,
  opts: { log: Logger; env?: Env; platform?: Platform; home?: string; path?: string },
): Promise<ReapResult> {
  const platform = opts.platform ?? process.platform;
  const path = opts.path ?? pidfilePath(root, opts.env, platform, opts.home);
  const record = readPidfile(path, opts.log);
  if (!record) return { kind: "none" };
  if (platform === "win32") {
    // No process groups to inspect on Windows (see docs/PROCESSES.md): forget the record.
    rmSync(path, { force: true });
    return { kind: "stale", pgid: record.group.pgid };
  }
  const { engine, group } = record;
  if (engine.pid !== process.pid && sameProcess(engine.pid, engine.start, platform)) {
    return {
      kind: "engine-alive",
      enginePid: engine.pid,
      message: `another hotreload (pid ${engine.pid}) is already running for ${record.root}`,
    };
  }
  const leaderAlive = procStat(group.pgid, platform);
  const leaderReused =
    leaderAlive !== null && group.start !== null && leaderAlive.start !== group.start;
  // A pid still used as a group or session id is never handed out again, so the group and
  // session are ours unless the leader's pid now names a later process; the tag always is.
  const run = {
    leader: leaderReused ? 0 : group.pgid,
    tag: group.tag ?? null,
    since: platform === "linux" ? group.start : null,
  };
  const members = run.leader === 0 && run.tag === null ? [] : await runMembers(run, platform);
  if (members.length === 0) {
    rmSync(path, { force: true });
    opts.log.debug(`pidfile ${path}: group ${group.pgid} already gone`);
    return { kind: "stale", pgid: group.pgid };
  }
  const pids = members.map((m) => m.pid);
  signalMembers(run, "SIGTERM", opts.log, members);
  if (!(await runGone(run, 1000, platform))) await killRunUntilGone(run, 2000, opts.log, platform);
  rmSync(path, { force: true });
  return {
    kind: "reaped",
    pgid: group.pgid,
    enginePid: engine.pid,
    pids,
    message: `reaped leftover server group ${group.pgid} from a previous run`,
  };
}

async function runGone(run: RunIdentity, timeoutMs: number, platform: Platform): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while ((await runMembers(run, platform)).length > 0) {
    if (performance.now() >= deadline) return false;
    await Bun.sleep(10); // polling interval of a deadline-bounded wait
  }
  return true;
}
