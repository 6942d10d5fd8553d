/**
 * The scoop manifest for a bucket (`scoop install hotreload`): the Windows zip, unpacked
 * from its top-level directory, hotreload.exe on PATH, `checkver` from GitHub releases, and
 * `autoupdate` that takes the next version's hash from its SHA256SUMS asset.
 */
import { assetUrl, type ReleaseInput, repoUrl, sumOf } from "./checksums.ts";

export const WINDOWS_ASSET = "hotreload-windows-x64.zip";
const EXTRACT_DIR = "hotreload-windows-x64";

export interface ScoopManifest {
  version: string;
  description: string;
  homepage: string;
  license: string;
  architecture: { "64bit": { url: string; hash: string; extract_dir: string } };
  bin: string;
  checkver: { github: string };
  autoupdate: {
    architecture: { "64bit": { url: string; extract_dir: string } };
    hash: { url: string };
  };
}

export function scoopManifest(input: ReleaseInput): ScoopManifest {
  const url = (version: string) => assetUrl(input.repo, version, WINDOWS_ASSET);
  return {
    version: input.version,
    description: input.description,
    homepage: repoUrl(input.repo),
    license: input.license,
    architecture: {
      "64bit": {
        url: url(input.version),
        hash: sumOf(input, WINDOWS_ASSET),
        extract_dir: EXTRACT_DIR,
      },
    },
    bin: "hotreload.exe",
    checkver: { github: repoUrl(input.repo) },
    autoupdate: {
      // scoop substitutes $version; $baseurl is the URL's directory (…/download/v<version>).
      architecture: { "64bit": { url: url("$version"), extract_dir: EXTRACT_DIR } },
      hash: { url: "$baseurl/SHA256SUMS" },
    },
  };
}
