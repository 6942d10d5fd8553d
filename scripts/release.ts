/**
 * `bun run release`: from dist/SHA256SUMS and package.json's version and repository,
 * writes dist/release/hotreload.rb (Homebrew formula), dist/release/hotreload.json (scoop
 * manifest) and dist/release/NOTES.md (release notes). Run after `bun run build`. On a
 * tag build (GITHUB_REF_TYPE=tag) the tag must be v<version>. `--top DIR` releases another
 * checkout (the tests use a temp one).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  missingAssets,
  parseSha256Sums,
  type ReleaseInput,
  repoFromPackage,
} from "./release/checksums.ts";
import { homebrewFormula } from "./release/homebrew.ts";
import { releaseNotes } from "./release/notes.ts";
import { scoopManifest } from "./release/scoop.ts";

export function readReleaseInput(top: string): { input: ReleaseInput } | { error: string } {
  const pkg = JSON.parse(readFileSync(join(top, "package.json"), "utf8"));
  const repo = repoFromPackage(pkg.repository);
  if (!repo) return { error: "package.json has no GitHub `repository`; add one" };
  const sumsFile = join(top, "dist", "SHA256SUMS");
  if (!existsSync(sumsFile)) return { error: "no dist/SHA256SUMS: run `bun run build` first" };
  const { sums, errors } = parseSha256Sums(readFileSync(sumsFile, "utf8"));
  if (errors.length > 0) return { error: `dist/SHA256SUMS: ${errors.join("; ")}` };
  const missing = missingAssets(sums);
  if (missing.length > 0)
    return {
      error: `dist/SHA256SUMS lacks ${missing.join(", ")}: run \`bun run build\` (all targets, not --host)`,
    };
  return {
    input: {
      version: String(pkg.version),
      packageName: String(pkg.name),
      repo,
      description: String(pkg.description ?? ""),
      license: String(pkg.license ?? "MIT"),
      sums,
    },
  };
}

export function writeRelease(top: string, input: ReleaseInput): string[] {
  const out = join(top, "dist", "release");
  mkdirSync(out, { recursive: true });
  const files: [string, string][] = [
    ["hotreload.rb", homebrewFormula(input)],
    ["hotreload.json", `${JSON.stringify(scoopManifest(input), null, 2)}\n`],
    ["NOTES.md", releaseNotes(input)],
  ];
  for (const [name, text] of files) writeFileSync(join(out, name), text);
  return files.map(([name]) => join(out, name));
}

if (import.meta.main) {
  const topIndex = process.argv.indexOf("--top");
  const top =
    topIndex > 0 ? resolve(process.argv[topIndex + 1] ?? ".") : join(import.meta.dir, "..");
  const read = readReleaseInput(top);
  if ("error" in read) {
    console.error(`release: ${read.error}`);
    process.exit(1);
  }
  const tag = process.env.GITHUB_REF_TYPE === "tag" ? process.env.GITHUB_REF_NAME : undefined;
  if (tag !== undefined && tag !== `v${read.input.version}`) {
    console.error(`release: tag ${tag} does not match package.json version ${read.input.version}`);
    process.exit(1);
  }
  for (const file of writeRelease(top, read.input)) console.log(`wrote ${file}`);
}
