/**
 * The commented .hotreload.yaml that `hotreload init` writes: detected commands first, then
 * every other key commented out with its default and description, straight from the schema.
 */
import { stringify } from "yaml";
import { PACKAGE_NAME, VERSION } from "../version.ts";
import type { Detection } from "./detect/index.ts";
import { formatDuration } from "./duration.ts";
import { configSchema } from "./schema.ts";
import type { SchemaNode } from "./schema-dsl.ts";

/** The schema file of this very version, as unpkg serves it from the published npm package. */
export const SCHEMA_URL = `https://unpkg.com/${PACKAGE_NAME}@${VERSION}/schema/hotreload.schema.json`;

function shown(node: SchemaNode): unknown {
  if (node.typeName === "duration" && typeof node.default === "number")
    return formatDuration(node.default);
  if (node.default === null) return node.example ?? "";
  if (Array.isArray(node.default) && node.default.length === 0) return node.example ?? [];
  return node.default;
}

function commented(key: string, node: SchemaNode, indent: string): string[] {
  if (node.kind === "object") {
    return [
      `# ${indent}${node.description}`,
      `# ${indent}${key}:`,
      ...Object.entries(node.shape).flatMap(([k, child]) => commented(k, child, `${indent}  `)),
    ];
  }
  if (node.kind === "list") {
    const value = stringify({ [key]: node.example ?? [] }, { lineWidth: 0 })
      .trimEnd()
      .split("\n");
    return [`# ${indent}${node.description}`, ...value.map((l) => `# ${indent}${l}`)];
  }
  const value = stringify({ [key]: shown(node) }, { lineWidth: 0 })
    .trimEnd()
    .split("\n");
  return [
    `# ${indent}${value[0]}${value.length === 1 ? `   # ${node.description}` : ""}`,
    ...value.slice(1).map((l) => `# ${indent}${l}`),
  ];
}

export function renderInitFile(detection: Detection | null): string {
  const lines = [
    `# yaml-language-server: $schema=${SCHEMA_URL}`,
    "# hotreload configuration. Every key is optional except `exec`; `hotreload check` validates it.",
    `# Build outputs go to $HOTRELOAD_CACHE_DIR (outside the project), so they never trigger a rebuild.`,
    "# Swaps nobody sees: uncomment `proxy:` below with `enabled: true` and the port you open in",
    "# the browser; hotreload then owns that port and the server listens on $PORT (docs/PROXY.md).",
    "",
  ];
  const set: Record<string, unknown> = {};
  if (detection) {
    lines.push(`# Detected: ${detection.label}`);
    if (detection.choices.length > 1)
      lines.push(
        `# Several entry points: ${detection.choices.join(", ")}. This file runs the first; to run another, change it in build/exec.`,
      );
    for (const warning of detection.warnings) lines.push(`# Note: ${warning}`);
    if (detection.ignore.length > 0)
      lines.push(`# Also never triggering for this project: ${detection.ignore.join(", ")}`);
    for (const rule of detection.rules)
      lines.push(
        `# Also for this project: ${rule.match.join(", ")} → ${rule.action} (after your own \`rules\`)`,
      );
    if (detection.build) set.build = detection.build;
    set.exec = detection.exec ?? "";
    set.ext = detection.ext;
    if (Object.keys(detection.env).length > 0) set.env = detection.env;
  } else {
    lines.push(
      "# No known project kind found (no go.mod, package.json, Cargo.toml, pyproject.toml, requirements.txt",
      "# or main.py/app.py). Fill in `exec`, the command that starts your server, and `build` if it needs one.",
    );
    set.build = "";
    set.exec = "";
  }
  lines.push(stringify(set, { lineWidth: 0 }).trimEnd(), "");
  for (const [key, node] of Object.entries(configSchema.shape)) {
    if (key in set || key === "root") continue;
    lines.push(...commented(key, node, ""));
  }
  return `${lines.join("\n")}\n`;
}
