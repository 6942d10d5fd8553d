import { describe, expect, test } from "bun:test";
import {
  assembleReport,
  markdownTable,
  mergeSections,
  parseSections,
  renderHeader,
  renderSection,
} from "../../scripts/bench/report.ts";
import type { Section } from "../../scripts/bench/types.ts";

const section = (title: string, extra: Partial<Section> = {}): Section => ({
  title,
  intro: "What is measured.",
  tables: [{ title: "Numbers", columns: ["Tool", "p50"], rows: [["a|b", "12"]] }],
  notes: ["Target met."],
  ok: true,
  ...extra,
});
const options = { date: "2026-01-02 03:04 UTC", chartPrefix: "perf/" };

describe("markdownTable", () => {
  test("right-aligns numbers, escapes pipes", () => {
    expect(markdownTable({ columns: ["Tool", "p50"], rows: [["a|b", "1"]] })).toBe(
      "| Tool | p50 |\n| --- | ---: |\n| a\\|b | 1 |",
    );
  });
});

describe("renderSection", () => {
  test("wraps the section in its markers with title, date, tables, notes and chart link", () => {
    const { block } = renderSection(
      "latency",
      section("Latency", { charts: [{ name: "latency.svg", svg: "<svg/>", alt: "dist" }] }),
      options,
    );
    expect(block.startsWith("<!-- bench:latency -->")).toBe(true);
    expect(block.endsWith("<!-- /bench:latency -->")).toBe(true);
    for (const part of [
      "## Latency",
      "2026-01-02 03:04 UTC",
      "--only latency",
      "### Numbers",
      "Target met.",
      "![dist](perf/latency.svg)",
    ])
      expect(block).toContain(part);
    expect(block).not.toContain("ok=false");
  });

  test("a failed section says so; without a chart directory the chart is named, not linked", () => {
    const { block } = renderSection(
      "x",
      section("X", { ok: false, charts: [{ name: "x.svg", svg: "", alt: "x" }] }),
      { ...options, chartPrefix: null },
    );
    expect(block).toContain("ok=false");
    expect(block).not.toContain("](");
  });
});

describe("parseSections and mergeSections", () => {
  const previous = assembleReport("# Performance", [
    renderSection("latency", section("Old latency"), options).block,
    renderSection("builds", section("Old builds"), options).block,
    renderSection("gone", section("Removed scenario"), options).block,
  ]);

  test("finds every block by id", () => {
    const blocks = parseSections(previous);
    expect([...blocks.keys()]).toEqual(["latency", "builds", "gone"]);
    expect(blocks.get("builds")).toContain("Old builds");
  });

  test("replaces only the sections that ran, keeps the others, drops unknown ids", () => {
    const fresh = [renderSection("builds", section("New builds"), options)];
    const merged = mergeSections(["latency", "builds", "survival"], fresh, parseSections(previous));
    expect(merged).toHaveLength(2);
    expect(merged[0]).toContain("Old latency");
    expect(merged[1]).toContain("New builds");
    expect(merged.join("\n")).not.toContain("Removed scenario");
  });

  test("ignores an unterminated or mismatched block", () => {
    const broken = "<!-- bench:a -->\nhalf\n<!-- bench:b -->\nbody\n<!-- /bench:c -->";
    expect(parseSections(broken).size).toBe(0);
  });

  test("round-trips: a merged report parses back to the same blocks", () => {
    const blocks = parseSections(previous);
    const again = parseSections(assembleReport("# P", [...blocks.values()]));
    expect([...again.entries()]).toEqual([...blocks.entries()]);
  });
});

test("the header names the machine, the peers, what was skipped and how to reproduce", () => {
  const header = renderHeader({
    machine: {
      cpu: "CPU X",
      cores: 2,
      ramGiB: 7.5,
      kernel: "linux 6.1",
      bun: "1.4.5",
      go: "1.19.8",
    },
    date: "2026-01-02 03:04 UTC",
    peerVersions: ["entr 5.3 (apt)"],
    skipped: ["nodemon (no npm)"],
    command: "bun run bench",
    short: true,
  });
  for (const part of ["CPU X", "2 cores", "7.5 GiB", "linux 6.1", "Bun 1.4.5", "Go 1.19.8"])
    expect(header).toContain(part);
  expect(header).toContain("entr 5.3 (apt)");
  expect(header).toContain("**Skipped**: nodemon (no npm)");
  expect(header).toContain("`bun run bench`");
  expect(header).toContain("Short mode");
});
