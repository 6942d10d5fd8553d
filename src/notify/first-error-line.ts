/**
 * The line of a failed build's output that best says what went wrong, for the body of the
 * "build failed" notification: a compiler's `error` line, else a Go/gcc-style
 * `file:line:col: message`, else a line with a failure word, else the last line.
 */
const ANSI = /\x1b\[[\d;]*m/g;
const ERROR_WORD = /\berror\b/i;
const LOCATION_FIRST = /^(?:[A-Za-z]:[\\/])?[\w.\-/\\@+~]+\.[A-Za-z]\w*(?::\d+){1,2}:\s*\S/;
const FAILURE_WORD = /\b(cannot|undefined|expected|fatal|panic|failed)\b/i;

export function firstErrorLine(tail: readonly string[]): string {
  const lines = tail.map((line) => line.replace(ANSI, "").trim()).filter((line) => line !== "");
  return (
    lines.find((line) => ERROR_WORD.test(line)) ??
    lines.find((line) => LOCATION_FIRST.test(line)) ??
    lines.find((line) => FAILURE_WORD.test(line)) ??
    lines.at(-1) ??
    ""
  );
}
