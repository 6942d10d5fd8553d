/**
 * `bun run release`: from dist/SHA256SUMS and package.json's version and repository,
 * writes dist/release/hotreload.rb (Homebrew formula), dist/release/hotreload.json (scoop
 * manifest) and dist/release/NOTES.md (release notes), and adds the formula and manifest
 * to dist/SHA256SUMS, so it covers every asset. Run after `bun run build`; running it
 * again gives the same files. On a tag build (GITHUB_REF_TYPE=tag) the tag must be
 * v<version>. `--top DIR` releases another checkout (the tests use a temp one).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  FORMULA_ASSET,
  formatSha256Sums,
  MANIFEST_ASSET,
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
  // A re-run reads the sums this step added before: the formula and manifest describe
  // the archives only.
  const archives = new Map(input.sums);
  archives.delete(FORMULA_ASSET);
  archives.delete(MANIFEST_ASSET);
  const release = { ...input, sums: archives };
  const formula = homebrewFormula(release);
  const manifest = `${JSON.stringify(scoopManifest(release), null, 2)}\n`;
  const sha256 = (text: string) => new Bun.CryptoHasher("sha256").update(text).digest("hex");
  const all = new Map([
    ...archives,
    [FORMULA_ASSET, sha256(formula)],
    [MANIFEST_ASSET, sha256(manifest)],
  ]);
  const files: [string, string][] = [
    [join(out, FORMULA_ASSET), formula],
    [join(out, MANIFEST_ASSET), manifest],
    [join(out, "NOTES.md"), releaseNotes({ ...input, sums: all })],
    [join(top, "dist", "SHA256SUMS"), formatSha256Sums(all)],
  ];
  for (const [path, text] of files) writeFileSync(path, text);
  return files.map(([path]) => path);
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
