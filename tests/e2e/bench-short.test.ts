/**
 * CI check that the benchmark suite still works (not how fast anything is): the short
 * mode writes a report with every scenario's section, each with a table holding numbers.
 */
import { expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scenarioFiles } from "../../scripts/bench/load-scenarios.ts";
import { parseSections } from "../../scripts/bench/report.ts";

const top = join(import.meta.dir, "..", "..");

test("bun scripts/bench.ts --short --out FILE writes every section with numbers", async () => {
  const dir = mkdtempSync(join(tmpdir(), "hotreload-bench-e2e-"));
  try {
    const out = join(dir, "PERFORMANCE.md");
    const proc = Bun.spawn(
      [process.execPath, join(top, "scripts", "bench.ts"), "--short", "--out", out],
      {
        cwd: top,
        stdin: "ignore",
        stdout: "pipe",
        stderr: "pipe",
      },
    );
    const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
    const tail = stderr.split("\n").slice(-40).join("\n");
    expect(existsSync(out), `no report written; stderr:\n${tail}`).toBe(true);
    const report = readFileSync(out, "utf8");
    const sections = parseSections(report);
    const ids = scenarioFiles(join(top, "scripts", "bench")).map((f) =>
      f.replace(/^scenario-/, "").replace(/\.ts$/, ""),
    );
    expect(ids).toContain("latency");
    for (const id of ids) {
      const block = sections.get(id);
      expect(block, `section ${id} missing; stderr:\n${tail}`).toBeDefined();
      const numericRows = (block ?? "").split("\n").filter((l) => /^\|(?!\s*-).*\d.*\|$/.test(l));
      expect(
        numericRows.length,
        `section ${id} has no table row with numbers:\n${block}`,
      ).toBeGreaterThan(0);
      expect(block, `section ${id} reported ok=false`).not.toContain("ok=false");
    }
    expect(report).toContain("Short mode");
    expect(existsSync(join(dir, "perf", "latency.svg"))).toBe(true);
    expect(code, `exit code ${code}; stderr:\n${tail}`).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 300_000);
