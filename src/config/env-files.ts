/**
 * Env files (`env_file`, `--env-file`): dotenv syntax, parsed by the `dotenv` package
 * (quotes, escapes, multiline values, `export` prefixes, comments). Later files win.
 * Values stay in memory for the child's environment only; everything that reports on env
 * files (log, events, `check`) gets the keys.
 */
import { readFileSync } from "node:fs";
import { parse } from "dotenv";

export interface EnvFileReport {
  path: string;
  /** Keys the file defines, in file order. */
  keys: string[];
  /** The file does not exist (yet): it adds nothing, and is watched for. */
  missing: boolean;
  /** Why it could not be read, when it exists but is unreadable. */
  error: string | null;
}

export interface EnvFilesSnapshot {
  values: Readonly<Record<string, string>>;
  files: EnvFileReport[];
}

export function parseEnvText(text: string): Record<string, string> {
  return parse(text);
}

/** Reads every file in order; a later file's value for a key replaces an earlier one's. */
export function readEnvFiles(
  paths: readonly string[],
  read: (path: string) => string = (path) => readFileSync(path, "utf8"),
): EnvFilesSnapshot {
  const values: Record<string, string> = {};
  const files: EnvFileReport[] = [];
  for (const path of paths) {
    let text: string;
    try {
      text = read(path);
    } catch (error) {
      const code = (error as { code?: string }).code;
      const missing = code === "ENOENT" || code === "ENOTDIR";
      files.push({ path, keys: [], missing, error: missing ? null : (error as Error).message });
      continue;
    }
    const parsed = parseEnvText(text);
    Object.assign(values, parsed);
    files.push({ path, keys: Object.keys(parsed), missing: false, error: null });
  }
  return { values, files };
}

export interface KeyDiff {
  added: string[];
  removed: string[];
  changed: string[];
}

/** Which keys differ between two environments, by name only. */
export function diffKeys(
  before: Readonly<Record<string, string>>,
  after: Readonly<Record<string, string>>,
): KeyDiff {
  const added = Object.keys(after).filter((k) => !(k in before));
  const removed = Object.keys(before).filter((k) => !(k in after));
  const changed = Object.keys(after).filter((k) => k in before && before[k] !== after[k]);
  return { added, removed, changed };
}

export function describeKeyDiff(diff: KeyDiff): string {
  const parts = [
    diff.added.length > 0 ? `added ${diff.added.join(", ")}` : "",
    diff.removed.length > 0 ? `removed ${diff.removed.join(", ")}` : "",
    diff.changed.length > 0 ? `changed ${diff.changed.join(", ")}` : "",
  ].filter(Boolean);
  return parts.length > 0 ? parts.join("; ") : "no key changed";
}
