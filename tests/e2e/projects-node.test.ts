/**
 * The Node and Bun layouts of the corpus, zero-config: see tests/helpers/corpus-run.ts.
 * Each installs its real framework from the registry into the temp copy (lockfile committed).
 */
import { expect, test } from "bun:test";
import { layoutsOf } from "../helpers/corpus-layouts.ts";
import { runLayout } from "../helpers/corpus-run.ts";

for (const layout of [...layoutsOf("node"), ...layoutsOf("bun")]) {
  const what = layout.breakage ? "; a type error keeps the old version serving" : "";
  test(`${layout.name}: zero-config start, a source edit serves the new version${what}`, async () => {
    const run = await runLayout(layout);
    expect(run.reloadMs.length).toBe(1);
    if (layout.breakage) expect(run.brokenKeptServing).toBe(true);
  }, 420_000);
}
