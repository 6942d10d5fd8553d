/**
 * Clickable `file:line[:col]` references in build errors (OSC 8 hyperlinks). Links are
 * independent of colour (NO_COLOR does not turn them off) but are never written where
 * nobody can click them: not without a terminal, not on TERM=dumb. FORCE_HYPERLINK=1/0
 * overrides the decision, as in the supports-hyperlinks convention.
 */
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";

export type Env = Readonly<Record<string, string | undefined>>;

/** Terminals known to print OSC 8 as garbage instead of ignoring it. */
const NO_LINK_TERMS = new Set(["dumb", "linux"]);

export function supportsHyperlinks(stream: { isTTY?: boolean }, env: Env = process.env): boolean {
  const force = env.FORCE_HYPERLINK;
  if (force !== undefined && force !== "") return force !== "0" && force !== "false";
  if (!stream.isTTY) return false;
  return !NO_LINK_TERMS.has(env.TERM ?? "");
}

/** `text` shown as a link to `url` (OSC 8 with the ST terminator). */
export function osc8(url: string, text: string): string {
  return `\x1b]8;;${url}\x1b\\${text}\x1b]8;;\x1b\\`;
}

export interface FileRef {
  /** Index of the reference in the line and its length (the whole `file:line:col`). */
  start: number;
  length: number;
  file: string;
  line: number;
  column?: number;
}

// A path with an extension that starts with a letter (so 127.0.0.1:8080 is not one), then
// `:line[:col]` (Go, Rust, Bun, gcc, tsc --pretty false) or `(line,col)` (tsc).
// Paths with spaces are not recognised: no compiler output marks where such a path starts.
const REF =
  /(?<=^|[\s([{<"'`=,]|-->\s?)((?:[A-Za-z]:[\\/])?[\p{L}\p{N}_.\-/\\@+~]*?[\p{L}\p{N}_-]\.[A-Za-z]\w*)(?::(\d+)(?::(\d+))?|\((\d+),(\d+)\))/gu;

/** Every `file:line[:col]` or `file(line,col)` reference in a line of compiler output. */
export function findFileRefs(line: string): FileRef[] {
  const refs: FileRef[] = [];
  for (const match of line.matchAll(REF)) {
    const [whole, file, l1, c1, l2, c2] = match;
    refs.push({
      start: match.index ?? 0,
      length: whole.length,
      file: file as string,
      line: Number(l1 ?? l2),
      ...((c1 ?? c2) !== undefined ? { column: Number(c1 ?? c2) } : {}),
    });
  }
  return refs;
}

/**
 * Wraps each reference to a file that exists in an OSC 8 link to its absolute `file://`
 * URL, resolved against the build's working directory. Text outside references, and
 * references to files that do not exist (a URL, a host:port), are left as they are.
 */
export function linkFileRefs(
  line: string,
  options: { cwd: string; exists: (absolutePath: string) => boolean },
): string {
  const refs = findFileRefs(line);
  if (refs.length === 0) return line;
  let out = "";
  let at = 0;
  for (const ref of refs) {
    const absolute = isAbsolute(ref.file) ? ref.file : resolve(options.cwd, ref.file);
    if (!options.exists(absolute)) continue;
    out += line.slice(at, ref.start);
    out += osc8(pathToFileURL(absolute).href, line.slice(ref.start, ref.start + ref.length));
    at = ref.start + ref.length;
  }
  return out + line.slice(at);
}
