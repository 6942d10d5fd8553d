/**
 * What a release is made of: the version, the GitHub repository the assets are uploaded
 * to, and the SHA-256 of each archive (from dist/SHA256SUMS, as `bun run build` writes it).
 */

export interface Repo {
  owner: string;
  name: string;
}

export interface ReleaseInput {
  version: string;
  /** The npm package name (package.json `name`), for the bunx and npm install lines. */
  packageName: string;
  repo: Repo;
  description: string;
  license: string;
  /** Asset file name → lowercase hex SHA-256. */
  sums: ReadonlyMap<string, string>;
}

/** sha256sum's format, sorted by name: what `sha256sum --check` reads. */
export function formatSha256Sums(sums: ReadonlyMap<string, string>): string {
  return [...sums]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, sum]) => `${sum}  ${name}\n`)
    .join("");
}

/** `<64 hex>  <name>` lines (sha256sum's format; `*name` binary mode accepted). */
export function parseSha256Sums(text: string): { sums: Map<string, string>; errors: string[] } {
  const sums = new Map<string, string>();
  const errors: string[] = [];
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    if (line === "") return;
    const match = /^([0-9a-fA-F]{64}) [ *]([^\s/\\]+)$/.exec(line);
    if (!match) {
      errors.push(`line ${index + 1}: expected "<sha256>  <file>", got ${JSON.stringify(line)}`);
      return;
    }
    sums.set(match[2] as string, (match[1] as string).toLowerCase());
  });
  return { sums, errors };
}

/** owner/name from package.json `repository` (string or {url}), GitHub only. */
export function repoFromPackage(repository: unknown): Repo | null {
  const url =
    typeof repository === "string"
      ? repository
      : typeof repository === "object" && repository !== null && "url" in repository
        ? String((repository as { url: unknown }).url)
        : "";
  const match = /github(?:\.com[/:]|:)([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/.exec(url);
  return match ? { owner: match[1] as string, name: match[2] as string } : null;
}

export const repoUrl = (repo: Repo) => `https://github.com/${repo.owner}/${repo.name}`;

/** The download URL of a release asset, as GitHub serves it for tag v<version>. */
export function assetUrl(repo: Repo, version: string, asset: string): string {
  return `${repoUrl(repo)}/releases/download/v${version}/${asset}`;
}

/** The archives every channel needs; a release without one of them is refused. */
export const REQUIRED_ASSETS = [
  "hotreload-darwin-arm64.tar.gz",
  "hotreload-darwin-x64.tar.gz",
  "hotreload-linux-arm64.tar.gz",
  "hotreload-linux-x64.tar.gz",
  "hotreload-windows-x64.zip",
] as const;

/** The files `bun run release` adds to the assets (and to SHA256SUMS). */
export const FORMULA_ASSET = "hotreload.rb";
export const MANIFEST_ASSET = "hotreload.json";

export function missingAssets(sums: ReadonlyMap<string, string>): string[] {
  return REQUIRED_ASSETS.filter((name) => !sums.has(name));
}

export function sumOf(input: ReleaseInput, asset: string): string {
  const sum = input.sums.get(asset);
  if (sum === undefined) throw new Error(`no checksum for ${asset} in SHA256SUMS`);
  return sum;
}
