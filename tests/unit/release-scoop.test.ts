/**
 * The scoop manifest, validated by a small JSON-schema-like checker written here (the
 * subset of scoop's schema.json a manifest like ours uses: required keys, types, patterns,
 * no unknown top-level keys), then field by field.
 */
import { expect, test } from "bun:test";
import { archiveName, TARGETS } from "../../scripts/build.ts";
import type { ReleaseInput } from "../../scripts/release/checksums.ts";
import { scoopManifest } from "../../scripts/release/scoop.ts";

type Rule =
  | { type: "string"; pattern?: RegExp }
  | { type: "object"; required: string[]; properties: Record<string, Rule>; closed?: boolean };

const URL_RE = /^https:\/\/\S+$/;
const SCHEMA: Rule = {
  type: "object",
  closed: true,
  required: ["version", "description", "homepage", "license", "architecture", "bin"],
  properties: {
    version: { type: "string", pattern: /^\d+\.\d+\.\d+(-[\w.]+)?$/ },
    description: { type: "string" },
    homepage: { type: "string", pattern: URL_RE },
    license: { type: "string" },
    bin: { type: "string", pattern: /\.exe$/ },
    architecture: {
      type: "object",
      required: ["64bit"],
      properties: {
        "64bit": {
          type: "object",
          required: ["url", "hash"],
          properties: {
            url: { type: "string", pattern: URL_RE },
            hash: { type: "string", pattern: /^[0-9a-f]{64}$/ },
            extract_dir: { type: "string" },
          },
        },
      },
    },
    checkver: {
      type: "object",
      required: ["github"],
      properties: { github: { type: "string", pattern: /^https:\/\/github\.com\/[^/]+\/[^/]+$/ } },
    },
    autoupdate: {
      type: "object",
      required: ["architecture", "hash"],
      properties: {
        architecture: {
          type: "object",
          required: ["64bit"],
          properties: {
            "64bit": {
              type: "object",
              required: ["url"],
              properties: {
                url: { type: "string", pattern: /\$version/ },
                extract_dir: { type: "string" },
              },
            },
          },
        },
        hash: { type: "object", required: ["url"], properties: { url: { type: "string" } } },
      },
    },
  },
};

function validate(value: unknown, rule: Rule, path = "$"): string[] {
  if (rule.type === "string") {
    if (typeof value !== "string") return [`${path}: expected a string, got ${typeof value}`];
    return rule.pattern && !rule.pattern.test(value)
      ? [`${path}: ${JSON.stringify(value)} does not match ${rule.pattern}`]
      : [];
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return [`${path}: expected an object`];
  const record = value as Record<string, unknown>;
  const errors = rule.required
    .filter((key) => !(key in record))
    .map((key) => `${path}: missing ${key}`);
  for (const [key, child] of Object.entries(record)) {
    const sub = rule.properties[key];
    if (sub) errors.push(...validate(child, sub, `${path}.${key}`));
    else if (rule.closed) errors.push(`${path}: unknown key ${key}`);
  }
  return errors;
}

const input: ReleaseInput = {
  version: "1.2.3",
  packageName: "@hotreload/cli",
  repo: { owner: "hotreload-dev", name: "hotreload" },
  description: "Hot-reload engine for servers.",
  license: "MIT",
  sums: new Map(TARGETS.map((target, i) => [archiveName(target), String(i + 1).repeat(64)])),
};

test("the validator itself rejects what it should", () => {
  expect(validate({}, SCHEMA).length).toBe(6);
  const bad = { ...scoopManifest(input), extra: 1, version: "v1" };
  expect(validate(bad, SCHEMA)).toEqual([
    '$.version: "v1" does not match /^\\d+\\.\\d+\\.\\d+(-[\\w.]+)?$/',
    "$: unknown key extra",
  ]);
});

test("the manifest passes the schema, JSON round trip included", () => {
  const manifest = JSON.parse(JSON.stringify(scoopManifest(input)));
  expect(validate(manifest, SCHEMA)).toEqual([]);
});

test("fields: the Windows zip unpacked from its directory, its hash, checkver and autoupdate", () => {
  const m = scoopManifest(input);
  const base = "https://github.com/hotreload-dev/hotreload/releases/download";
  expect(m.architecture["64bit"]).toEqual({
    url: `${base}/v1.2.3/hotreload-windows-x64.zip`,
    hash: input.sums.get("hotreload-windows-x64.zip") as string,
    extract_dir: "hotreload-windows-x64",
  });
  expect(m.bin).toBe("hotreload.exe");
  expect(m.checkver).toEqual({ github: "https://github.com/hotreload-dev/hotreload" });
  expect(m.autoupdate.architecture["64bit"]).toEqual({
    url: `${base}/v$version/hotreload-windows-x64.zip`,
    extract_dir: "hotreload-windows-x64",
  });
  // $baseurl is the directory of the new URL: the SHA256SUMS asset of the same release.
  expect(m.autoupdate.hash.url).toBe("$baseurl/SHA256SUMS");
  expect(m.version).toBe("1.2.3");
});
