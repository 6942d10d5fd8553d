/**
 * Shared bits of the scenarios that run the hotreload CLI directly: its command line
 * (source CLI, XDG directories in the run's temp dir), that temp dir, a generated source
 * tree, CPU windows measured from /proc, and number formatting for the tables.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readCpuMs, readThreadMs, threadDeltaMs } from "./proc-stat.ts";

/** argv that runs the hotreload CLI from source. */
export function hotreloadArgv(top: string, args: string[]): string[] {
  return [process.execPath, join(top, "src", "main.ts"), ...args];
}

/**
 * The CLI supervising `exec` in `root` while watching nothing (`--ext .none`): what is
 * measured is its supervision and log relay. `extra` flags go last.
 */
export function supervisorArgv(top: string, root: string, exec: string, extra: string[] = []) {
  const args = ["--root", root, "--exec", exec, "--ext", ".none", "--no-notifications"];
  return hotreloadArgv(top, [...args, "--no-color", ...extra]);
}

/** XDG directories inside `dir` (kept out of the watched root), notifications off. */
export function hotreloadEnv(dir: string, extra: Record<string, string> = {}) {
  return {
    XDG_STATE_HOME: join(dir, "xdg", "state"),
    XDG_CACHE_HOME: join(dir, "xdg", "cache"),
    XDG_CONFIG_HOME: join(dir, "xdg", "config"),
    ...extra,
  };
}

export interface RunDir extends Disposable {
  path: string;
  /** `<path>/root`, created: the watched root; XDG dirs (hotreloadEnv) sit beside it. */
  root: string;
}

/** A scenario's temp dir under os.tmpdir(); disposing removes it with all inside. */
export function runDir(name: string): RunDir {
  const path = mkdtempSync(join(tmpdir(), `hotreload-bench-${name}-`));
  const root = join(path, "root");
  mkdirSync(root);
  return { path, root, [Symbol.dispose]: () => rmSync(path, { recursive: true, force: true }) };
}

export interface TreeShape {
  files: number;
  dirs: number;
}

/** Relative path of file `i` of a generated tree: `g<k>/d<j>/f<i>.go`, 50 leaf dirs a group. */
export function treeFile(shape: TreeShape, i: number): string {
  const dir = i % shape.dirs;
  return `g${Math.floor(dir / 50)}/d${dir}/f${i}.go`;
}

/** Writes `shape.files` Go-looking files (a few hundred bytes to 2 KB) under `root`. */
export function generateTree(root: string, shape: TreeShape): string[] {
  for (let d = 0; d < shape.dirs; d++) {
    mkdirSync(join(root, `g${Math.floor(d / 50)}`, `d${d}`), { recursive: true });
  }
  const paths: string[] = [];
  for (let i = 0; i < shape.files; i++) {
    const rel = treeFile(shape, i);
    const body = `// ${"generated ".repeat(10 + (i % 150))}\n`;
    writeFileSync(
      join(root, rel),
      `package p${i % shape.dirs}\n\nfunc F${i}() int { return ${i} }\n${body}`,
    );
    paths.push(rel);
  }
  return paths;
}

export interface CpuWindow {
  /** Share of one core, percent, from utime + stime (10 ms ticks). */
  ticksPct: number;
  /** Same from the threads' schedstat (ns), null where the kernel does not keep it. */
  schedPct: number | null;
  wallMs: number;
}

/** CPU used by `pids` (summed) over `ms` of wall time. */
export async function cpuWindow(pids: number[], ms: number, ticks: number): Promise<CpuWindow> {
  const readTicks = () => {
    let total = 0;
    for (const pid of pids) {
      const value = readCpuMs(pid, ticks);
      if (value === null) throw new Error(`process ${pid} ended during the CPU window`);
      total += value;
    }
    return total;
  };
  const readThreads = () => {
    const all = new Map<string, number>();
    for (const pid of pids) {
      const threads = readThreadMs(pid);
      if (threads === null) return null;
      for (const [tid, value] of threads) all.set(tid, value);
    }
    return all;
  };
  const ticks0 = readTicks();
  const threads0 = readThreads();
  const t0 = performance.now();
  await Bun.sleep(ms);
  const ticks1 = readTicks();
  const threads1 = readThreads();
  const wallMs = performance.now() - t0;
  const tickMs = ticks1 - ticks0;
  let schedMs = threads0 && threads1 ? threadDeltaMs(threads0, threads1) : null;
  // Threads that ended took their schedstat with them; the tick count still has them.
  if (schedMs !== null && tickMs - schedMs > (2 * 1000) / ticks) schedMs = null;
  return {
    ticksPct: (tickMs / wallMs) * 100,
    schedPct: schedMs === null ? null : (schedMs / wallMs) * 100,
    wallMs,
  };
}

/**
 * Waits until `pids` use under 1% of a core over 500 ms (start-up work done), up to
 * `deadlineMs`; returns false when they never settled.
 */
export async function settle(pids: number[], deadlineMs: number, ticks: number): Promise<boolean> {
  const end = performance.now() + deadlineMs;
  while (performance.now() < end) {
    const w = await cpuWindow(pids, 500, ticks);
    if ((w.schedPct ?? w.ticksPct) < 1) return true;
  }
  return false;
}

export const fmt = {
  ms: (v: number) => (v >= 100 ? `${v.toFixed(0)} ms` : `${v.toFixed(1)} ms`),
  mb: (v: number | null) => (v === null ? "n/a" : `${v.toFixed(1)} MB`),
  pct: (v: number | null) =>
    v === null || Number.isNaN(v) ? "n/a" : v < 1 ? `${v.toFixed(3)} %` : `${v.toFixed(1)} %`,
  mbps: (v: number) => `${v.toFixed(1)} MB/s`,
  count: (v: number) => v.toLocaleString("en-US"),
};

/** The finer of the two CPU figures: schedstat when present, else ticks. */
export const bestPct = (w: CpuWindow) => w.schedPct ?? w.ticksPct;
