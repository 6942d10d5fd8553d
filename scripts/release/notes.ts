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
  const url = (asset: string) => assetUrl(input.repo, version, asset);
  const rows = [...input.sums]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, sum]) => `| [\`${name}\`](${url(name)}) | \`${sum}\` |`);
  const unix = (target: string, check: string) =>
    [
      `curl -fLO ${url(`hotreload-${target}.tar.gz`)}`,
      `curl -fLO ${url("SHA256SUMS")}`,
      `${check} SHA256SUMS`,
      `tar -xzf hotreload-${target}.tar.gz`,
      `sudo mv hotreload-${target}/hotreload /usr/local/bin/ && hotreload --version`,
    ].join("\n");
  return `# hotreload ${version}

One self-contained executable per OS (no runtime needed), also on npm for Bun users.
Each archive holds \`hotreload-<target>/\` with the binary, LICENSE and README.md.

## Install

Linux (\`linux-x64\`, \`linux-arm64\`; kernel 5.1 or later, glibc 2.17 or later), checked
against SHA256SUMS:

\`\`\`sh
${unix("linux-x64", "sha256sum --check --ignore-missing")}
\`\`\`

Alpine and other musl systems: the \`-musl\` archives (\`linux-x64-musl\`,
\`linux-arm64-musl\`). They need the C++ runtime: \`apk add libstdc++ libgcc\` first.

macOS (\`darwin-arm64\` on Apple silicon, \`darwin-x64\` on Intel; macOS 13 or later):

\`\`\`sh
${unix("darwin-arm64", "shasum -a 256 --check --ignore-missing")}
\`\`\`

Windows 10 version 1809 or later (x64): download [\`hotreload-windows-x64.zip\`](${url("hotreload-windows-x64.zip")}),
compare \`(Get-FileHash hotreload-windows-x64.zip).Hash\` with its line in SHA256SUMS, then
\`Expand-Archive hotreload-windows-x64.zip\` and put \`hotreload.exe\` on your PATH.

| Channel | Command |
| --- | --- |
| Bun | \`bunx ${input.packageName}@${version}\` |
| npm (needs Bun on PATH) | \`npm i -g ${input.packageName}@${version}\` (the command is \`hotreload\`) |
| Homebrew (macOS, Linux) | \`brew install ${tapName(input)}/hotreload\` |
| scoop (Windows) | \`scoop bucket add hotreload ${bucketUrl(input)}\` then \`scoop install hotreload\` |
| Docker | \`docker build -t hotreload ${repoUrl(input.repo)}.git#v${version}\` (see docs/DOCKER.md) |

## Checksums (SHA-256)

Also in [\`SHA256SUMS\`](${url("SHA256SUMS")}), which covers every asset, the Homebrew
formula and the scoop manifest included.

| Asset | SHA-256 |
| --- | --- |
${rows.join("\n")}
`;
}
