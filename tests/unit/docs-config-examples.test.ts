/**
 * Every YAML example in the docs is a valid configuration: each ```yaml block of
 * docs/*.md and README.md passes the same schema check as a config file (unknown keys,
 * types, durations, limits). `exec` may be missing: examples are often fragments.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parse } from "yaml";
import { configSchema } from "../../src/config/schema.ts";

const top = join(import.meta.dir, "..", "..");

function yamlBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```ya?ml[^\n]*\n([\s\S]*?)^```/gm)].map((m) => m[1] as string);
}

function problemsOf(text: string): string[] {
  const raw = parse(text) ?? {};
  const result = configSchema.check(raw, []);
  return result.ok ? [] : result.problems.map((p) => p.message);
}

const files = [
  join(top, "README.md"),
  ...readdirSync(join(top, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => join(top, "docs", name)),
];
const examples = files.flatMap((file) =>
  yamlBlocks(readFileSync(file, "utf8")).map(
    (text, i) => [`${relative(top, file)} #${i + 1}`, text] as const,
  ),
);

describe("YAML examples in the docs", () => {
  test("docs/CONFIGURATION.md has examples to check", () => {
    expect(
      examples.filter(([name]) => name.startsWith("docs/CONFIGURATION.md")).length,
    ).toBeGreaterThan(10);
  });

  test.each(examples)("%s is a valid configuration", (_name, text) => {
    expect(problemsOf(text)).toEqual([]);
  });

  test("the check rejects what a config file would reject", () => {
    expect(problemsOf("helth_check:\n  enabled: true\n")).not.toEqual([]);
    expect(problemsOf("health_check:\n  timeout: five\n")).not.toEqual([]);
    expect(yamlBlocks("text\n```yaml\na: 1\n```\n```sh\nb\n```\n")).toEqual(["a: 1\n"]);
  });
});
