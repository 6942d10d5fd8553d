/**
 * The user documentation stays navigable and complete: every relative link in README.md
 * and docs/*.md points to a file that exists (and, for Markdown targets, to a heading that
 * exists), and every configuration key of the schema is explained in the prose of
 * docs/CONFIGURATION.md, not only in its generated table.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { TABLE_END, TABLE_START } from "../../src/config/docs-table.ts";
import { configSchema } from "../../src/config/schema.ts";
import type { SchemaNode } from "../../src/config/schema-dsl.ts";

const top = join(import.meta.dir, "..", "..");

/** Markdown without fenced code blocks and inline code, where links are not links. */
function withoutCode(markdown: string): string {
  return markdown
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "")
    .replace(/(`+)[\s\S]*?\1/g, "");
}

/** Link targets of inline links and images: `[text](target)`, `![alt](target "title")`. */
function linkTargets(markdown: string): string[] {
  const targets: string[] = [];
  for (const match of withoutCode(markdown).matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?[^)]*\)/g))
    targets.push(match[1] as string);
  return targets;
}

/** GitHub's heading anchors: lowercase, punctuation dropped, each space a hyphen, -n for repeats. */
function headingSlugs(markdown: string): Set<string> {
  const slugs = new Set<string>();
  const seen = new Map<string, number>();
  const fenced = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "");
  for (const match of fenced.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const text = (match[1] as string).replace(/\[([^\]]*)\]\([^)]*\)/g, "$1").replace(/`/g, "");
    const base = text
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    slugs.add(count === 0 ? base : `${base}-${count}`);
  }
  return slugs;
}

/** Problems with the relative links of one file: missing files, missing headings. */
function brokenLinks(file: string, read: (path: string) => string | null): string[] {
  const text = read(file);
  if (text === null) return [`${file}: cannot read`];
  const problems: string[] = [];
  for (const target of linkTargets(text)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//")) continue;
    const hash = target.indexOf("#");
    const pathPart = decodeURI(hash >= 0 ? target.slice(0, hash) : target);
    const anchor = hash >= 0 ? target.slice(hash + 1) : "";
    const resolved = pathPart === "" ? file : resolve(dirname(file), pathPart);
    const content = read(resolved);
    if (content === null) {
      problems.push(`${file}: link to ${target}: no such file`);
      continue;
    }
    if (anchor !== "" && resolved.endsWith(".md") && !headingSlugs(content).has(anchor))
      problems.push(
        `${file}: link to ${target}: no heading #${anchor} in ${pathPart || "this file"}`,
      );
  }
  return problems;
}

/** Leaf key paths of the schema: `root`, `health_check.url`, … */
function keyPaths(shape: Record<string, SchemaNode>, prefix = ""): string[] {
  return Object.entries(shape).flatMap(([key, node]) =>
    node.kind === "object" ? keyPaths(node.shape, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}

/** A file's text; "" for a directory (GitHub shows its listing); null when nothing is there. */
const readOrNull = (path: string): string | null => {
  if (!existsSync(path)) return null;
  return statSync(path).isDirectory() ? "" : readFileSync(path, "utf8");
};

const documents = [
  join(top, "README.md"),
  ...readdirSync(join(top, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => join(top, "docs", name)),
];

describe("documentation links", () => {
  test.each(documents.map((file) => [relative(top, file), file]))(
    "%s: every relative link resolves",
    (_name, file) => {
      expect(brokenLinks(file, readOrNull)).toEqual([]);
    },
  );

  test("README links every page in docs/", () => {
    const readme = readFileSync(join(top, "README.md"), "utf8");
    const linked = new Set(linkTargets(readme).map((t) => t.split("#")[0]));
    const missing = documents
      .filter((file) => file.includes(`${join(top, "docs")}`))
      .map((file) => relative(top, file))
      .filter((rel) => !linked.has(rel));
    expect(missing).toEqual([]);
  });

  test("the checker finds broken files and anchors, and ignores code and URLs", () => {
    const files: Record<string, string> = {
      "/d/a.md": [
        "# Title",
        "## Port `3000` is in use: what now?",
        "[ok](b.md) [ok](#title) [ok](b.md#the-apps-port) [ok](#port-3000-is-in-use-what-now)",
        "[bad](c.md) [bad](b.md#nowhere) [bad](#missing) [web](https://x.test/y.md)",
        "`[not a link](gone.md)`",
        "```",
        "[not a link](gone.md)",
        "```",
      ].join("\n"),
      "/d/b.md": "## The app's port\n",
    };
    expect(brokenLinks("/d/a.md", (p) => files[p] ?? null)).toEqual([
      "/d/a.md: link to c.md: no such file",
      "/d/a.md: link to b.md#nowhere: no heading #nowhere in b.md",
      "/d/a.md: link to #missing: no heading #missing in this file",
    ]);
    expect([...headingSlugs("# A\n# A\n")]).toEqual(["a", "a-1"]);
  });
});

describe("docs/CONFIGURATION.md", () => {
  const doc = readFileSync(join(top, "docs", "CONFIGURATION.md"), "utf8");
  const start = doc.indexOf(TABLE_START);
  const end = doc.indexOf(TABLE_END);
  const prose = doc.slice(0, start) + doc.slice(end + TABLE_END.length);

  test("has the generated key table between its markers", () => {
    expect(start).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(start);
  });

  test("explains every key of the schema in its prose (outside the generated table)", () => {
    const keys = keyPaths(configSchema.shape as Record<string, SchemaNode>);
    expect(keys).toContain("health_check.max_retries");
    const unexplained = keys.filter((key) => !prose.includes(`\`${key}\``));
    expect(unexplained).toEqual([]);
  });
});
