/**
 * `bun run bench`: the benchmark suite. Finds the peer tools (installing missing ones
 * unless --short), loads every scripts/bench/scenario-*.ts, runs them by `order`, and
 * writes docs/PERFORMANCE.md (each section between `<!-- bench:id -->` markers, so
 * `--only` replaces just those) with charts in docs/perf/. Progress goes to stderr. Exits
 * 1 when a section could not measure what it should, 2 on bad flags.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseBenchArgs, USAGE } from "./bench/args.ts";
import { failedSection, loadScenarios } from "./bench/load-scenarios.ts";
import { describeMachine } from "./bench/machine.ts";
import { findPeers } from "./bench/peers.ts";
import {
  assembleReport,
  mergeSections,
  parseSections,
  type RenderedSection,
  renderHeader,
  renderSection,
} from "./bench/report.ts";
import type { BenchContext, Section } from "./bench/types.ts";

async function main(argv: string[]): Promise<number> {
  const args = parseBenchArgs(argv);
  if ("error" in args) {
    console.error(`bench: ${args.error}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const top = resolve(import.meta.dir, "..");
  const log = (message: string) => process.stderr.write(`bench ${message}\n`);
  const scenarios = await loadScenarios(join(import.meta.dir, "bench"));
  const unknown = (args.only ?? []).filter((id) => !scenarios.some((s) => s.id === id));
  if (unknown.length > 0) {
    console.error(
      `bench: no scenario ${unknown.join(", ")}; there are: ${scenarios.map((s) => s.id).join(", ")}`,
    );
    return 2;
  }
  const chosen = scenarios.filter((s) => args.only?.includes(s.id) ?? true);
  const peerReport = await findPeers({ install: !args.short, log });
  const machine = await describeMachine();
  const context: BenchContext = { short: args.short, top, log, peers: peerReport.peers };

  const date = `${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`;
  const target = args.out
    ? resolve(args.out)
    : args.short
      ? null
      : join(top, "docs", "PERFORMANCE.md");
  const chartDir = target ? join(dirname(target), "perf") : null;
  const fresh: RenderedSection[] = [];
  let failed = false;
  for (const scenario of chosen) {
    const began = performance.now();
    log(`${scenario.id}: starting`);
    let section: Section;
    try {
      section = await scenario.run(context);
    } catch (error) {
      section = failedSection(
        scenario.id,
        error instanceof Error ? (error.stack ?? String(error)) : String(error),
      );
    }
    log(
      `${scenario.id}: done in ${((performance.now() - began) / 1000).toFixed(1)} s${section.ok ? "" : " (ok=false)"}`,
    );
    failed ||= !section.ok;
    if (chartDir)
      for (const chart of section.charts ?? []) {
        mkdirSync(chartDir, { recursive: true });
        writeFileSync(join(chartDir, chart.name), chart.svg);
      }
    fresh.push(
      renderSection(scenario.id, section, { date, chartPrefix: chartDir ? "perf/" : null }),
    );
  }

  const header = renderHeader({
    machine,
    date,
    peerVersions: peerReport.versions,
    skipped: peerReport.skipped,
    command: args.short ? "bun run bench --short" : "bun run bench",
    short: args.short,
  });
  const previous =
    args.only && target && existsSync(target)
      ? parseSections(readFileSync(target, "utf8"))
      : new Map();
  const report = assembleReport(
    header,
    mergeSections(
      scenarios.map((s) => s.id),
      fresh,
      previous,
    ),
  );
  if (target) {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, report);
    log(`wrote ${target}`);
  } else process.stdout.write(report);
  return failed ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
