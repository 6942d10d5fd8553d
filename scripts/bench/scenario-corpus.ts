/**
 * Zero config on real project layouts (tests/projects/): for each, a fresh copy, its real
 * framework installed, `hotreload` with no config and no flags, then source edits. Reports
 * whether it worked at all (the success rate), the time to the first response, and the
 * reload latency per layout: from the edit's write to the first response showing it.
 * The same run as the corpus e2e tests (tests/helpers/corpus-run.ts), with more edits.
 */
import { LAYOUTS, type Layout } from "../../tests/helpers/corpus-layouts.ts";
import { runLayout } from "../../tests/helpers/corpus-run.ts";
import { median, percentile } from "../bench-stats.ts";
import type { BenchContext, Scenario, Section } from "./types.ts";

export const scenario: Scenario = { order: 95, id: "corpus", run };

const ms = (value: number) => `${Math.round(value)}`;
const NOTE_LOAD =
  "Reload time is mostly each layout's own build and start — `tsc` for fastify-ts (through `npm run build`) and ts-start-split, `go build`, `cargo build`, Python imports — measured while other jobs shared the 2 cores; hotreload's own share is in \"Save → new version served\" above.";

/** --short only checks the scenario works: one interpreted and one compiled layout, nothing to install. */
const QUICK = new Set(["python-script", "go-single-main"]);
const quick = (layout: Layout) => QUICK.has(layout.name);

async function run(context: BenchContext): Promise<Section> {
  const layouts = context.short ? LAYOUTS.filter(quick) : LAYOUTS;
  const edits = context.short ? 1 : 7;
  const rows: string[][] = [];
  const failures: string[] = [];
  let worked = 0;
  let tried = 0;
  for (const layout of layouts) {
    const missing = layout.needs && !Bun.which(layout.needs) ? layout.needs : null;
    if (missing) {
      rows.push([layout.name, layout.family, `skipped: no ${missing}`, "–", "–", "–", "–"]);
      continue;
    }
    tried++;
    context.log(`corpus: ${layout.name}`);
    try {
      const result = await runLayout(layout, { edits });
      worked++;
      rows.push([
        layout.name,
        layout.family,
        "yes",
        ms(result.firstServedMs),
        ms(median(result.reloadMs)),
        ms(percentile(result.reloadMs, 90)),
        result.brokenKeptServing === null ? "–" : result.brokenKeptServing ? "yes" : "**no**",
      ]);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failures.push(`${layout.name}: ${message.split("\n")[0]}`);
      rows.push([layout.name, layout.family, "**no**", "–", "–", "–", "–"]);
    }
  }
  const rate = tried === 0 ? 0 : (100 * worked) / tried;
  return {
    title: "Zero config on real project layouts",
    intro: [
      "Each layout of the corpus (tests/projects/: express-generator, Fastify with `tsc`, Hono",
      "and Elysia on Bun, Flask, FastAPI, Django, Go with `cmd/` or a local `replace`, …) is",
      "copied to a temp dir, its framework installed from the registry or apt, and run with",
      `\`hotreload\` and nothing else. Then ${edits} source edits, one after the other: the`,
      "reload latency is from the edit's write to the first HTTP response showing the new",
      "version (build included). First response: from hotreload's start (install excluded).",
      "Compiled layouts then get a type/compile error, and the old version must keep serving.",
    ].join("\n"),
    tables: [
      {
        columns: [
          "Layout",
          "Family",
          "Worked zero-config",
          "First response (ms)",
          "Reload p50 (ms)",
          "Reload p90 (ms)",
          "Broken build kept serving",
        ],
        rows,
      },
    ],
    notes: [
      `Zero-config success rate: **${worked}/${tried} (${rate.toFixed(0)}%)** of the layouts whose toolchain is installed (target 100%).`,
      ...failures.map((f) => `Failed: ${f}`),
      NOTE_LOAD,
    ],
    ok: worked === tried,
  };
}
