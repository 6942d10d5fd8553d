import type { HotreloadError } from "../errors.ts";

/** Formats an error value for stderr: what is wrong, the details, and the hint. Never a stack. */
export function formatError(error: HotreloadError, color: boolean): string {
  const red = (s: string) => (color ? `\x1b[1;31m${s}\x1b[0m` : s);
  const dim = (s: string) => (color ? `\x1b[2m${s}\x1b[0m` : s);
  const cyan = (s: string) => (color ? `\x1b[36m${s}\x1b[0m` : s);
  const lines = [`${red("error")} ${error.message}`];
  for (const detail of error.details ?? []) lines.push(`  ${dim(detail)}`);
  if (error.hint) lines.push(`  ${cyan("hint:")} ${error.hint}`);
  return `${lines.join("\n")}\n`;
}
