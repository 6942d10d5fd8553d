/**
 * The Go and Rust layouts of the corpus, zero-config: see tests/helpers/corpus-run.ts.
 * Rust runs only where cargo is installed (CI has none; the test name says so when skipped).
 */
import { expect, test } from "bun:test";
import { layoutsOf } from "../helpers/corpus-layouts.ts";
import { runLayout } from "../helpers/corpus-run.ts";

for (const layout of [...layoutsOf("go"), ...layoutsOf("rust")]) {
  const missing = layout.needs && !Bun.which(layout.needs) ? layout.needs : null;
  const name = `${layout.name}: zero-config start, a source edit serves the new version; a compile error keeps the old version serving`;
  if (missing) {
    test.skip(`${name} (skipped: ${missing} is not installed)`, () => {});
    continue;
  }
  test(name, async () => {
    const run = await runLayout(layout);
    expect(run.reloadMs.length).toBe(1);
    expect(run.brokenKeptServing).toBe(true);
  }, 420_000);
}
