/**
 * Save → new version served over HTTP, for the Go example (built with `go build`) and the
 * Bun example, with rename-saves (vim, JetBrains) and in-place saves (VS Code), per tool,
 * tools alternating round by round. Also draws the latency distributions as an SVG.
 */
import { median, percentile, ratio } from "../bench-stats.ts";
import { freePort, waitServed } from "./http-poll.ts";
import {
  bunProject,
  goProject,
  type Project,
  realGoCache,
  saveByRename,
  saveInPlace,
} from "./projects.ts";
import { latencyChart } from "./svg-chart.ts";
import { pickTools, rotate, TOOL_IDS, type Tool } from "./tools.ts";
import type { BenchContext, Scenario, Section, Table } from "./types.ts";

type Style = "rename" | "in-place";
const STYLES: Style[] = ["rename", "in-place"];
interface Case {
  id: "go" | "bun";
  title: string;
  make(port: number): Project;
  /** The tools run on this case (short mode trims the slow Go case). */
  tools: Tool[];
}

export const scenario: Scenario = { order: 10, id: "latency", run };

async function run(context: BenchContext): Promise<Section> {
  const { tools, skipped } = pickTools(context, TOOL_IDS);
  const goCache = await realGoCache();
  // Short mode (CI) keeps the slow Go case to the floor and hotreload: it checks, not ranks.
  const goTools = context.short
    ? tools.filter((t) => t.id === "floor" || t.id === "hotreload")
    : tools;
  const cases: Case[] = [
    {
      id: "go",
      title: "Go server",
      make: (port) => goProject(context.top, port, goCache),
      tools: goTools,
    },
    { id: "bun", title: "Bun server", make: (port) => bunProject(context.top, port), tools },
  ];
  const rounds = context.short ? 1 : 5;
  const savesPerStyle = context.short ? 1 : 2;
  const samples = new Map<string, number[]>();
  const missed = new Map<string, number>();
  const errors: string[] = [];
  for (const kase of cases)
    for (let round = 0; round < rounds; round++)
      for (const tool of rotate(kase.tools, round)) {
        context.log(`latency: ${kase.id} round ${round + 1}/${rounds}: ${tool.id}`);
        try {
          await session(context, kase, tool, round, savesPerStyle, samples);
        } catch (error) {
          const key = `${kase.id}/${tool.id}`;
          missed.set(key, (missed.get(key) ?? 0) + 1);
          errors.push(`${kase.title}, ${tool.label}, round ${round + 1}: ${String(error)}`);
          context.log(`latency: ${String(error)}`);
        }
      }
  return report(cases, skipped, samples, missed, errors, rounds, savesPerStyle);
}

async function session(
  context: BenchContext,
  kase: Case,
  tool: Tool,
  round: number,
  savesPerStyle: number,
  samples: Map<string, number[]>,
): Promise<void> {
  const port = freePort();
  using project = kase.make(port);
  await using proc = tool.start(project);
  const url = `http://127.0.0.1:${port}/`;
  const first = kase.id === "go" ? 90_000 : 30_000;
  await waitServed(url, "version 1.0.0\n", first).catch((error) => {
    throw new Error(`${String(error)}\n  tool output:\n${proc.tail()}`);
  });
  // Let the tool finish its start-up scan (and hotreload its initial hashing) first.
  await Bun.sleep(context.short ? 200 : 500);
  for (let i = 0; i < savesPerStyle * 2; i++) {
    const style = STYLES[i % 2] as Style;
    const version = `1.${round + 1}.${i + 1}`;
    const text = project.withVersion(version);
    const start = performance.now();
    (style === "rename" ? saveByRename : saveInPlace)(project.versionFile, text);
    const served = await waitServed(url, `version ${version}\n`, 30_000).catch((error) => {
      throw new Error(`${style} save: ${String(error)}\n  tool output:\n${proc.tail()}`);
    });
    const key = `${kase.id}/${style}/${tool.id}`;
    samples.set(key, [...(samples.get(key) ?? []), served.at - start]);
    const down = `${kase.id}/down/${tool.id}`;
    samples.set(down, [...(samples.get(down) ?? []), served.downMs]);
    // Pacing: a restart caused by this save has finished before the next save starts.
    await Bun.sleep(context.short ? 150 : 400);
  }
}

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(0) : "–");

function report(
  cases: Case[],
  skipped: string[],
  samples: Map<string, number[]>,
  missed: Map<string, number>,
  errors: string[],
  rounds: number,
  savesPerStyle: number,
): Section {
  const get = (kase: string, style: Style, tool: string) =>
    samples.get(`${kase}/${style}/${tool}`) ?? [];
  const tables: Table[] = cases.map((kase) => ({
    title: `${kase.title} (ms)`,
    columns: [
      "Tool",
      "Saves",
      "Rename p50",
      "Rename p90",
      "In-place p50",
      "In-place p90",
      "p50 vs floor (rename / in-place)",
      "Failed sessions",
    ],
    rows: kase.tools.map((tool) => {
      const [re, ip] = STYLES.map((style) => get(kase.id, style, tool.id)) as [number[], number[]];
      const vs = STYLES.map((style) =>
        ratio(median(get(kase.id, style, tool.id)), median(get(kase.id, style, "floor"))),
      );
      return [
        tool.label,
        String(re.length + ip.length),
        ms(median(re)),
        ms(percentile(re, 90)),
        ms(median(ip)),
        ms(percentile(ip, 90)),
        vs.join(" / "),
        String(missed.get(`${kase.id}/${tool.id}`) ?? 0),
      ];
    }),
  }));
  const downOf = (kase: string, tool: string) => samples.get(`${kase}/down/${tool}`) ?? [];
  const tools = cases[0]?.tools ?? [];
  tables.push({
    title: "Unavailable during the swap (ms)",
    columns: ["Tool", ...cases.flatMap((kase) => [`${kase.title} p50`, `${kase.title} max`])],
    rows: tools.map((tool) => [
      tool.label,
      ...cases.flatMap((kase) => {
        const down = downOf(kase.id, tool.id);
        return [ms(median(down)), ms(down.length > 0 ? Math.max(...down) : Number.NaN)];
      }),
    ]),
  });
  const notes = [
    targetNote(cases, get),
    "Unavailable: from the first refused request after a save to the first answer of the new version (both saves styles together; 0 = every request answered). hotreload builds while the old server keeps answering and swaps only a built, started server, so its window is the stop and start alone; the others stop the server before they build. The price of that: during the build the old server still runs, so on this 2-core machine the build shares the CPU with a server answering the benchmark's several hundred requests a second, which the peers' builds do not.",
  ];
  if (skipped.length > 0) notes.push(`Skipped: ${skipped.join(", ")}.`);
  if (errors.length > 0)
    notes.push(
      `Failed sessions (a save not served within the deadline ends the session):\n\n${errors
        .slice(0, 8)
        .map((e) => `- ${e.split("\n")[0]}`)
        .join("\n")}`,
    );
  const groups = cases.flatMap((kase) =>
    STYLES.map((style) => ({
      title: `${kase.title}, ${style} save`,
      series: kase.tools.map((tool) => ({
        label: tool.label,
        samples: get(kase.id, style, tool.id),
      })),
    })),
  );
  const measured = (tool: string) =>
    cases.every((kase) => STYLES.every((style) => get(kase.id, style, tool).length > 0));
  return {
    title: "Save → new version served",
    intro: [
      "Time from the start of a save to the first HTTP response from the new version",
      "(GET on loopback, polled every 1–2 ms). The Go server is built with `go build` (warm",
      'cache) and the Bun server runs from source; peers run `sh -c "build && exec server"`.',
      "A rename-save writes a temp file and renames it over (vim, JetBrains); an in-place",
      "save truncates and writes (VS Code). hotreload builds while the old server still",
      "serves, then swaps; the floor kills first, then builds.",
      `Rounds: ${rounds}; saves per style per tool and round: ${savesPerStyle}; tools alternating.`,
    ].join("\n"),
    tables,
    notes,
    charts: [
      {
        name: "latency.svg",
        svg: latencyChart("Save → new version served (ms)", groups),
        alt: "Latency distributions per tool, Go and Bun servers, rename and in-place saves",
      },
    ],
    ok: measured("floor") && measured("hotreload"),
  };
}

/** Issue 5: at defaults, hotreload's latency is lower than nodemon's, entr's and reflex's. */
function targetNote(
  cases: Case[],
  get: (kase: string, style: Style, tool: string) => number[],
): string {
  const peers = ["entr", "reflex", "nodemon"];
  const misses: string[] = [];
  let compared = 0;
  for (const kase of cases)
    for (const style of STYLES)
      for (const peer of kase.tools.filter((t) => peers.includes(t.id))) {
        const ours = median(get(kase.id, style, "hotreload"));
        const theirs = median(get(kase.id, style, peer.id));
        if (!Number.isFinite(ours) || !Number.isFinite(theirs)) continue;
        compared++;
        if (!(ours < theirs))
          misses.push(`${kase.title} ${style}: ${ms(ours)} ms vs ${peer.id} ${ms(theirs)} ms`);
      }
  const verdict =
    compared === 0
      ? "**not measured** (no peer ran)"
      : misses.length === 0
        ? `**met** in all ${compared} comparisons`
        : `**not met** in ${misses.length} of ${compared} comparisons (${misses.join("; ")})`;
  return `Target (issue 5): at defaults, hotreload's p50 lower than each peer's: ${verdict}.`;
}
