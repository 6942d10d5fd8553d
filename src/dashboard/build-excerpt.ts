/**
 * A failed build's output for the error panel: the first lines (where compilers put the
 * first, usually causal, error) and the last ones (the summary), with the count of lines
 * left out between them, so neither end is ever lost and memory stays bounded.
 */
import { isAbsolute, resolve } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { findFileRefs } from "../events/hyperlinks.ts";
import type { EditorLink } from "./history.ts";

export const EXCERPT_HEAD = 40;
export const EXCERPT_TAIL = 40;

export interface BuildExcerpt {
  add(line: string): void;
  /** What was added since the last reset: head, the count left out, tail. */
  take(): { head: string[]; omitted: number; tail: string[] };
  reset(): void;
}

export function createBuildExcerpt(headMax = EXCERPT_HEAD, tailMax = EXCERPT_TAIL): BuildExcerpt {
  let head: string[] = [];
  let tail: string[] = [];
  let omitted = 0;
  return {
    add(line) {
      if (head.length < headMax) return void head.push(line);
      tail.push(line);
      if (tail.length > tailMax) {
        tail.shift();
        omitted++;
      }
    },
    take: () => ({ head, omitted, tail }),
    reset() {
      head = [];
      tail = [];
      omitted = 0;
    },
  };
}

export interface EditorLinkOptions {
  /** `editor_url`: `{file}` (absolute path), `{line}`, `{col}`; empty: no links. */
  template: string;
  /** The build's working directory, against which relative paths are resolved. */
  root: string;
  exists(absolutePath: string): boolean;
}

/**
 * The `file:line[:col]` references in `lines` that name an existing file, each with its
 * editor link. Texts are matched without colour codes, as the page shows them.
 */
export function editorLinks(lines: readonly string[], options: EditorLinkOptions): EditorLink[] {
  if (options.template === "") return [];
  const links = new Map<string, string>();
  for (const raw of lines) {
    const line = stripVTControlCharacters(raw);
    for (const ref of findFileRefs(line)) {
      const text = line.slice(ref.start, ref.start + ref.length);
      if (links.has(text) || links.size >= 200) continue;
      const file = isAbsolute(ref.file) ? ref.file : resolve(options.root, ref.file);
      if (!options.exists(file)) continue;
      links.set(text, editorHref(options.template, file, ref.line, ref.column ?? 1));
    }
  }
  return [...links].map(([text, href]) => ({ text, href }));
}

/**
 * Fills in an `editor_url` template. `{file}` is the absolute path with forward slashes; a
 * `/` in front of it is not doubled, so `vscode://file/{file}` gives
 * `vscode://file/home/me/main.go` (a `//` would make `home` a host name).
 */
export function editorHref(template: string, file: string, line: number, col: number): string {
  const path = encodeURI(file.replaceAll("\\", "/"));
  return template
    .replaceAll("/{file}", `/${path.replace(/^\/+/, "")}`)
    .replaceAll("{file}", path)
    .replaceAll("{line}", String(line))
    .replaceAll("{col}", String(col));
}
