/**
 * The Python layouts of the corpus, zero-config: see tests/helpers/corpus-run.ts. Flask,
 * FastAPI/uvicorn and Django come from apt in CI (.ci/run).
 */
import { expect, test } from "bun:test";
import { layoutsOf } from "../helpers/corpus-layouts.ts";
import { runLayout } from "../helpers/corpus-run.ts";

for (const layout of layoutsOf("python")) {
  test(`${layout.name}: zero-config start, a source edit serves the new version`, async () => {
    const run = await runLayout(layout);
    expect(run.reloadMs.length).toBe(1);
  }, 300_000);
}
