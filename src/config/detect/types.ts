/** What zero-config detection proposes for a project, and the context every ecosystem reads. */
import type { RuleConfig } from "../../engine/rules.ts";

export type ProjectKind = "go" | "bun" | "node" | "rust" | "python";

export interface Detection {
  kind: ProjectKind;
  /** Human words for the line printed at start: "Go module example.com/app". */
  label: string;
  build: string | null;
  /** Null when detection found the project but cannot pick what to run (see `choices`). */
  exec: string | null;
  ext: string[];
  /** Globs (relative to the root) that never trigger: `**\/*_test.go` for Go. */
  ignore: string[];
  /** Paths (absolute) where build outputs go, to be ignored by the watcher. */
  outputs: string[];
  env: Record<string, string>;
  /** Extra directories (absolute, outside the root) the project's code comes from. */
  watch: string[];
  /** Things the user must know at start: a guess that may be wrong, a missing build. */
  warnings: string[];
  /** Several candidates for what to run: the user picks one with `entry`. */
  choices: string[];
  /** `rules:` for the project (templates restart, static files reload), after the user's. */
  rules: RuleConfig[];
}

export interface DetectOptions {
  /** Commands for a config file to commit: the cache directory as $HOTRELOAD_CACHE_DIR. */
  portable?: boolean;
  cacheDir?: string;
  /** The user's pick among several entry points (`entry:` / `--entry`). */
  entry?: string;
}

/** Everything an ecosystem may know about the project; reading files is the only IO. */
export interface DetectContext {
  root: string;
  portable: boolean;
  cacheDir: string;
  entry: string | null;
  platform: NodeJS.Platform;
  /** `.exe` on Windows. */
  exe: string;
  /** A file's text, relative to the root (or absolute), or null when it is missing. */
  read(path: string): string | null;
  isFile(path: string): boolean;
  isDir(path: string): boolean;
  /** Entry names of a directory (sorted), empty when it is missing. */
  list(path: string): string[];
  /** Quotes a path for the platform shell (the cache variable stays expandable). */
  quote(path: string): string;
  /** The absolute path of `path` relative to the root. */
  abs(path: string): string;
}

export function emptyDetection(
  fields: Pick<Detection, "kind" | "label" | "exec"> & Partial<Detection>,
): Detection {
  return {
    build: null,
    ext: [],
    ignore: [],
    outputs: [],
    env: {},
    watch: [],
    warnings: [],
    choices: [],
    rules: [],
    ...fields,
  };
}
