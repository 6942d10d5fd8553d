/**
 * Release notes for the GitHub release page: the version, every asset's checksum, and the
 * install command for each channel (binary with checksum check, bunx, npm, Homebrew tap,
 * scoop bucket, Docker).
 */
import { assetUrl, type ReleaseInput, repoUrl } from "./checksums.ts";

export function tapName(input: ReleaseInput): string {
  return `${input.repo.owner}/tap`;
}

export function bucketUrl(input: ReleaseInput): string {
  return `https://github.com/${input.repo.owner}/scoop-bucket`;
}

export function releaseNotes(input: ReleaseInput): string {
  const { version } = input;
  const sumsUrl = assetUrl(input.repo, version, "SHA256SUMS");
  const rows = [...input.sums]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, sum]) => `| [\`${name}\`](${assetUrl(input.repo, version, name)}) | \`${sum}\` |`);
  const binary = (asset: string, check: string) =>
    [
      `curl -fLO ${assetUrl(input.repo, version, asset)}`,
      `curl -fLO ${sumsUrl}`,
      `${check} SHA256SUMS`,
      `chmod +x ${asset} && sudo mv ${asset} /usr/local/bin/hotreload`,
      "hotreload --version",
    ].join("\n");
  return `# hotreload ${version}

One self-contained executable per OS (no runtime needed), also on npm for Bun users.

## Install

Release binary, checked against SHA256SUMS (Linux; use \`-linux-arm64\`, or the \`-musl\`
builds on Alpine):

\`\`\`sh
${binary("hotreload-linux-x64", "sha256sum --check --ignore-missing")}
\`\`\`

macOS (\`-darwin-arm64\` on Apple silicon, \`-darwin-x64\` on Intel):

\`\`\`sh
${binary("hotreload-darwin-arm64", "shasum -a 256 --check --ignore-missing")}
\`\`\`

Windows: download [\`hotreload-windows-x64.exe\`](${assetUrl(input.repo, version, "hotreload-windows-x64.exe")}),
compare \`(Get-FileHash hotreload-windows-x64.exe).Hash\` with its line in SHA256SUMS, and
rename it to \`hotreload.exe\` on your PATH.

| Channel | Command |
| --- | --- |
| Bun | \`bunx ${input.packageName}@${version}\` |
| npm (needs Bun on PATH) | \`npm i -g ${input.packageName}@${version}\` (the command is \`hotreload\`) |
| Homebrew (macOS, Linux) | \`brew install ${tapName(input)}/hotreload\` |
| scoop (Windows) | \`scoop bucket add hotreload ${bucketUrl(input)}\` then \`scoop install hotreload\` |
| Docker | \`docker build -t hotreload ${repoUrl(input.repo)}.git#v${version}\` (see docs/DOCKER.md) |

## Checksums (SHA-256)

| Asset | SHA-256 |
| --- | --- |
${rows.join("\n")}
`;
}
