/**
 * Build output in the terminal: kept (bounded) while a build runs and shown only when it
 * fails, with error lines highlighted and `file:line:col` references made clickable, so a
 * good build costs one summary line and a bad one shows exactly what the compiler said.
 */
import { linkFileRefs } from "./hyperlinks.ts";

/** Enough for any compiler's first screenful of errors; older lines are counted, not kept. */
export const MAX_BUILD_LINES = 200;

export interface Painter {
  dim(text: string): string;
  red(text: string): string;
  bold(text: string): string;
}

export interface LinkOptions {
  cwd: string;
  exists(absolutePath: string): boolean;
}

export interface BuildOutput {
  add(line: string): void;
  /** The kept lines and how many earlier ones were dropped; empties the buffer. */
  take(): { lines: string[]; dropped: number };
  reset(): void;
}

export function createBuildOutput(max = MAX_BUILD_LINES): BuildOutput {
  let lines: string[] = [];
  let dropped = 0;
  return {
    add(line) {
      lines.push(line);
      if (lines.length > max) {
        lines.shift();
        dropped++;
      }
    },
    take() {
      const result = { lines, dropped };
      lines = [];
      dropped = 0;
      return result;
    },
    reset() {
      lines = [];
      dropped = 0;
    },
  };
}

const ERROR_WORD = /\b(error|fatal|panic|failed)\b/i;
/** Go and gcc style: the message follows the location on the same line. */
const LOCATION_FIRST = /^\s*(?:[A-Za-z]:[\\/])?[\w.\-/\\@+~]+\.[A-Za-z]\w*(?::\d+){1,2}:\s/;
const HAS_ESCAPES = /\x1b\[/;

/** One line of a failed build's output as shown in the terminal. */
export function formatBuildLine(
  line: string,
  paint: Painter,
  links: LinkOptions | null,
  tag = "build",
): string {
  const isError = ERROR_WORD.test(line) || LOCATION_FIRST.test(line);
  // A compiler that colours its own output knows best; only plain text is recoloured.
  const linked = links ? linkFileRefs(line, links) : line;
  const body = isError && !HAS_ESCAPES.test(line) ? paint.red(linked) : linked;
  return `${paint.dim(`${tag} │`)} ${body}`;
}
