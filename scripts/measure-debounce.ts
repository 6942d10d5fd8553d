import { rmSync, watch } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPathFilter } from "../src/watch/filter.ts";
import { type SaveScenario as Scenario, SAVE_SCENARIOS as scenarios } from "./editor-saves.ts";

const RUNS = process.argv[2] === "--act" ? 0 : Number(process.argv[2] ?? 10);
const SETTLE_MS = 300;

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
