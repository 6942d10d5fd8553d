/**
 * Measures how file events spread out in time for the saves a debounce window must merge:
 * a vim rename-save, a VS Code in-place save, a JetBrains safe-write and a 200-file
 * `git checkout`, each on real files in a temp dir, watched with Bun's recursive fs.watch
 * exactly as hotreload watches. For each it prints the spread of raw events, the largest
 * gap between events that pass the default filter, and the smallest quiet window that
 * gives exactly one batch in every run. docs/WATCHING.md records the figures.
 *
 *   bun scripts/measure-debounce.ts [runs]
 */
import { execFileSync } from "node:child_process";
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  unlinkSync,
  watch,
  writeFileSync,
  writeSync,
} from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPathFilter } from "../src/watch/filter.ts";

const RUNS = process.argv[2] === "--act" ? 0 : Number(process.argv[2] ?? 10);
const SETTLE_MS = 300;

function writeSynced(path: string, content: string): void {
  const fd = openSync(path, "w");
  writeSync(fd, content);
  fsyncSync(fd);
  closeSync(fd);
}

/** vim with default options: probe the dir, keep a backup by renaming, write, drop backup. */
function vimSave(dir: string, i: number): void {
  const file = join(dir, "main.go");
  writeFileSync(join(dir, "4913"), "");
  unlinkSync(join(dir, "4913"));
  renameSync(file, `${file}~`);
  writeSynced(file, `package main // vim ${i}\n`);
  unlinkSync(`${file}~`);
}

/** VS Code: truncate and write the file in place. */
function vscodeSave(dir: string, i: number): void {
  writeFileSync(join(dir, "main.go"), `package main // vscode ${i}\n`);
}

/** JetBrains "safe write": temp file, original to ___jb_old___, temp to the name, drop old. */
function jetbrainsSave(dir: string, i: number): void {
  const file = join(dir, "main.go");
  writeSynced(`${file}___jb_tmp___`, `package main // jetbrains ${i}\n`);
  renameSync(file, `${file}___jb_old___`);
  renameSync(`${file}___jb_tmp___`, file);
  unlinkSync(`${file}___jb_old___`);
}

function git(dir: string, ...args: string[]): void {
  execFileSync("git", args, { cwd: dir, stdio: "ignore" });
}

function setupGitRepo(dir: string): void {
  git(dir, "init", "-q", "-b", "one");
  git(dir, "config", "user.email", "m@example.com");
  git(dir, "config", "user.name", "measure");
  for (let f = 0; f < 200; f++) {
    mkdirSync(join(dir, `pkg${f % 10}`), { recursive: true });
    writeFileSync(join(dir, `pkg${f % 10}/file${f}.go`), `package p // one ${f}\n`);
  }
  git(dir, "add", ".");
  git(dir, "commit", "-q", "-m", "one");
  git(dir, "checkout", "-q", "-b", "two");
  for (let f = 0; f < 200; f++) {
    writeFileSync(join(dir, `pkg${f % 10}/file${f}.go`), `package p // two ${f}\n`);
  }
  git(dir, "commit", "-q", "-am", "two");
}

interface Scenario {
  name: string;
  setup(dir: string): void;
  act(dir: string, run: number): void;
}

const scenarios: Scenario[] = [
  { name: "vim rename-save", setup: (d) => writeFileSync(join(d, "main.go"), "x"), act: vimSave },
  {
    name: "VS Code in-place",
    setup: (d) => writeFileSync(join(d, "main.go"), "x"),
    act: vscodeSave,
  },
  {
    name: "JetBrains safe-write",
    setup: (d) => writeFileSync(join(d, "main.go"), "x"),
    act: jetbrainsSave,
  },
  {
    name: "git checkout (200 files)",
    setup: setupGitRepo,
    act: (d, run) => git(d, "checkout", "-q", run % 2 === 0 ? "one" : "two"),
  },
];

/** Number of batches a trailing quiet window of `quietMs` makes of these event times. */
function batchesFor(times: readonly number[], quietMs: number): number {
  if (times.length === 0) return 0;
  let batches = 1;
  for (let i = 1; i < times.length; i++) {
    if ((times[i] as number) - (times[i - 1] as number) > quietMs) batches++;
  }
  return batches;
}

function maxGap(times: readonly number[]): number {
  let gap = 0;
  for (let i = 1; i < times.length; i++)
    gap = Math.max(gap, (times[i] as number) - (times[i - 1] as number));
  return gap;
}

const fmt = (ms: number) => `${ms.toFixed(1)}ms`;

async function measure(scenario: Scenario) {
  const dir = await mkdtemp(join(tmpdir(), "hotreload-debounce-"));
  try {
    scenario.setup(dir);
    const filter = createPathFilter({ root: dir, ext: [], ignorePatterns: [], alwaysIgnore: [] });
    const runs: { raw: number[]; relevant: number[] }[] = [];
    for (let run = 0; run < RUNS; run++) {
      const raw: number[] = [];
      const relevant: number[] = [];
      const watcher = watch(dir, { recursive: true }, (_event, name) => {
        const t = performance.now();
        raw.push(t);
        const rel = String(name ?? "");
        if (!(filter.ignores(rel, false) && filter.ignores(rel, true))) relevant.push(t);
      });
      await Bun.sleep(50);
      // The save runs in another process, as an editor or git would, so this event loop is
      // free to timestamp events as they arrive.
      const child = Bun.spawn([
        process.execPath,
        import.meta.path,
        "--act",
        scenario.name,
        dir,
        String(run),
      ]);
      if ((await child.exited) !== 0) throw new Error(`${scenario.name} failed`);
      const start = raw[0] ?? performance.now();
      await Bun.sleep(SETTLE_MS);
      watcher.close();
      runs.push({ raw: raw.map((t) => t - start), relevant: relevant.map((t) => t - start) });
    }
    const spreads = runs.map((r) => (r.raw.at(-1) ?? 0) - (r.raw[0] ?? 0));
    const gaps = runs.map((r) => maxGap(r.relevant));
    const counts = runs.map((r) => r.raw.length);
    // Per run: the smallest whole-millisecond window that merges it into one batch.
    const perRun = runs
      .map((r) => {
        let w = 0;
        while (batchesFor(r.relevant, w) > 1) w++;
        return w;
      })
      .sort((a, b) => a - b);
    const needed = perRun.at(-1) ?? 0;
    return {
      p90: perRun[Math.ceil(perRun.length * 0.9) - 1] ?? 0,
      name: scenario.name,
      events: `${Math.min(...counts)}–${Math.max(...counts)}`,
      spreadMax: Math.max(...spreads),
      spreadMedian: spreads.sort((a, b) => a - b)[Math.floor(spreads.length / 2)] ?? 0,
      gapMax: Math.max(...gaps),
      needed,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--act") {
  const scenario = scenarios.find((s) => s.name === process.argv[3]);
  if (!scenario) throw new Error(`unknown scenario ${process.argv[3]}`);
  scenario.act(process.argv[4] as string, Number(process.argv[5]));
  process.exit(0);
}

const results = [];
for (const scenario of scenarios) results.push(await measure(scenario));
console.log(`bun ${Bun.version}, ${process.platform}, ${RUNS} runs each\n`);
console.log(
  "| scenario | raw events | spread (median / max) | largest gap, filtered | window for 1 batch (p90 / all runs) |",
);
console.log("| --- | --- | --- | --- | --- |");
for (const r of results) {
  console.log(
    `| ${r.name} | ${r.events} | ${fmt(r.spreadMedian)} / ${fmt(r.spreadMax)} | ${fmt(r.gapMax)} | ${r.p90}ms / ${r.needed}ms |`,
  );
}
const worst = Math.max(...results.map((r) => r.needed));
console.log(`\nsmallest window that gives one batch for every scenario: ${worst}ms`);
