/**
 * hotreload's overhead over the floor on the plainest case: `sh app.sh`, which prints a
 * line and sleeps. Latency is the time from an in-place save to the new process's line on
 * the tool's output. Issue 5's target: with --debounce 0, within 10 ms of the floor.
 */
import { median, percentile } from "../bench-stats.ts";
import { emptyProject, saveInPlace } from "./projects.ts";
import { pickTools, rotate, type Tool } from "./tools.ts";
import type { BenchContext, Scenario, Section } from "./types.ts";

export const scenario: Scenario = { order: 20, id: "overhead", run };

export const TARGET_MS = 10;
const app = (n: number) => `echo "bench-ready ${n}"\nexec sleep 300\n`;

async function run(context: BenchContext): Promise<Section> {
  const { tools } = pickTools(context, ["floor", "hotreload-d0", "hotreload"]);
  const rounds = context.short ? 1 : 8;
  const saves = context.short ? 2 : 4;
  const samples = new Map<string, number[]>(tools.map((t) => [t.id, []]));
  const errors: string[] = [];
  for (let round = 0; round < rounds; round++)
    for (const tool of rotate(tools, round)) {
      context.log(`overhead: round ${round + 1}/${rounds}: ${tool.id}`);
      try {
        samples.get(tool.id)?.push(...(await session(context, tool, saves)));
      } catch (error) {
        errors.push(`${tool.label}, round ${round + 1}: ${String(error)}`);
        context.log(`overhead: ${String(error)}`);
      }
    }
  const floor = median(samples.get("floor") ?? []);
  const d0 = median(samples.get("hotreload-d0") ?? []);
  const overhead = d0 - floor;
  const verdict = !Number.isFinite(overhead)
    ? "**not measured**"
    : overhead <= TARGET_MS
      ? `**met** (${overhead.toFixed(1)} ms)`
      : `**not met** (${overhead.toFixed(1)} ms)`;
  return {
    title: "Overhead over the floor",
    intro: [
      "The plainest case: the watched `app.sh` prints `bench-ready N` and sleeps. Latency is",
      "the time from an in-place save to that line from the new process on the tool's output,",
      "so it includes the tool's change detection, its stop of the old process and the start",
      `of the new one, and its log relay. ${rounds} rounds × ${saves} saves per tool, alternating.`,
    ].join("\n"),
    tables: [
      {
        columns: ["Tool", "Saves", "p50 (ms)", "p90 (ms)", "p50 over the floor (ms)"],
        rows: tools.map((tool) => {
          const s = samples.get(tool.id) ?? [];
          const p50 = median(s);
          return [
            tool.label,
            String(s.length),
            p50.toFixed(1),
            percentile(s, 90).toFixed(1),
            tool.id === "floor" ? "–" : (p50 - floor).toFixed(1),
          ];
        }),
      },
    ],
    notes: [
      `Target (issue 5): \`hotreload --debounce 0\` within ${TARGET_MS} ms of the floor at p50: ${verdict}.`,
      ...(errors.length > 0
        ? [`Failed sessions: ${errors.map((e) => e.split("\n")[0]).join("; ")}`]
        : []),
    ],
    ok: Number.isFinite(overhead),
  };
}

async function session(context: BenchContext, tool: Tool, saves: number): Promise<number[]> {
  using project = emptyProject({ exec: "sh app.sh", ext: [".sh"], files: { "app.sh": app(0) } });
  await using proc = tool.start(project);
  await proc.waitLine("both", /bench-ready 0$/, 30_000);
  // Let the tool finish its start-up scan (and hotreload its initial hashing) first.
  await Bun.sleep(context.short ? 200 : 400);
  const out: number[] = [];
  for (let n = 1; n <= saves; n++) {
    const from = proc.lines.length;
    const start = performance.now();
    saveInPlace(project.versionFile, app(n));
    const line = await proc.waitLine("both", new RegExp(`bench-ready ${n}$`), 15_000, from);
    out.push(line.at - start);
    await Bun.sleep(context.short ? 100 : 250);
  }
  return out;
}
