/**
 * Renders docs/PERFORMANCE.md. Each scenario's section sits between
 * `<!-- bench:<id> -->` and `<!-- /bench:<id> -->` so `--only` can replace one section and
 * keep the others from the previous file. Pure: unit-tested in tests/unit/bench-report.test.ts.
 */
import type { Machine } from "./machine.ts";
import type { Section, Table } from "./types.ts";

export interface RenderedSection {
  id: string;
  /** The whole block, markers included. */
  block: string;
}

export interface HeaderInput {
  machine: Machine;
  date: string;
  peerVersions: string[];
  skipped: string[];
  command: string;
  short: boolean;
}

const cell = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ");

export function markdownTable(table: Table): string {
  const head = `| ${table.columns.map(cell).join(" | ")} |`;
  const rule = `| ${table.columns.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`;
  const rows = table.rows.map((row) => `| ${row.map(cell).join(" | ")} |`);
  return [head, rule, ...rows].join("\n");
}

export const startMarker = (id: string) => `<!-- bench:${id} -->`;
export const endMarker = (id: string) => `<!-- /bench:${id} -->`;

/** One section as Markdown; charts are linked under `chartPrefix` (e.g. "perf/"). */
export function renderSection(
  id: string,
  section: Section,
  options: { date: string; chartPrefix: string | null },
): RenderedSection {
  const parts = [
    startMarker(id),
    `## ${section.title}`,
    `_Measured ${options.date}; rerun this section alone with \`bun run bench --only ${id}\`._`,
    section.intro.trim(),
  ];
  for (const table of section.tables) {
    if (table.title) parts.push(`### ${table.title}`);
    parts.push(markdownTable(table));
  }
  parts.push(...section.notes.map((note) => note.trim()).filter(Boolean));
  for (const chart of section.charts ?? [])
    parts.push(
      options.chartPrefix === null
        ? `_Chart \`${chart.name}\` (${chart.alt}) is written only with \`--out\` or into docs/._`
        : `![${chart.alt}](${options.chartPrefix}${chart.name})`,
    );
  if (!section.ok) parts.push("**This section could not measure what it should (ok=false).**");
  parts.push(endMarker(id));
  return { id, block: parts.join("\n\n") };
}

/** The blocks of a previous report, by id. Unterminated or mismatched blocks are skipped. */
export function parseSections(markdown: string): Map<string, string> {
  const found = new Map<string, string>();
  const pattern = /<!-- bench:([\w-]+) -->[\s\S]*?<!-- \/bench:([\w-]+) -->/g;
  for (const match of markdown.matchAll(pattern)) {
    const [block, id, endId] = match;
    if (id && id === endId && !block.slice(1).includes(startMarker(id))) found.set(id, block);
  }
  return found;
}

/**
 * Sections in `order`: a fresh one where it was run, else the previous file's block, else
 * nothing. Blocks of scenarios that no longer exist are dropped.
 */
export function mergeSections(
  order: readonly string[],
  fresh: readonly RenderedSection[],
  previous: Map<string, string>,
): string[] {
  const byId = new Map(fresh.map((s) => [s.id, s.block]));
  return order.flatMap((id) => byId.get(id) ?? previous.get(id) ?? []);
}

export function renderHeader(input: HeaderInput): string {
  const { machine } = input;
  const facts = [
    `- **Machine**: ${machine.cpu}, ${machine.cores} cores, ${machine.ramGiB.toFixed(1)} GiB RAM, ${machine.kernel}`,
    `- **Toolchain**: Bun ${machine.bun}, Go ${machine.go}`,
    `- **Peers**: ${input.peerVersions.length > 0 ? input.peerVersions.join(", ") : "none found"}`,
    ...(input.skipped.length > 0 ? [`- **Skipped**: ${input.skipped.join("; ")}`] : []),
    `- **Date**: ${input.date} (each section also says when it was measured)`,
    `- **Reproduce**: \`${input.command}\`; one section: \`bun run bench --only <id>\`; CI check: \`bun run bench:short\``,
  ];
  return [
    "# Performance",
    "<!-- Written by `bun run bench` (scripts/bench.ts). Edit the suite, not this file. -->",
    [
      "Every tool runs on the same machine in the same run, tools alternating round by round",
      "so drift hits all alike; loopback only; the suite ends only the processes it started,",
      "by their ids. The floor is a hand-rolled minimal loop (scripts/bench-floor.ts): on any",
      "file event it kills the process group and starts the command again.",
    ].join("\n"),
    facts.join("\n"),
    ...(input.short
      ? ["**Short mode (CI): tiny loops that check the suite works, not how fast.**"]
      : []),
  ].join("\n\n");
}

export function assembleReport(header: string, blocks: readonly string[]): string {
  return `${[header, ...blocks].join("\n\n")}\n`;
}
