/**
 * Durations as users write them: `300ms`, `5s`, `1m`, `1.5s`, `1m30s`, or a bare number of
 * milliseconds. Returns null when the text is not a duration.
 */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;

export function parseDuration(input: unknown): number | null {
  if (typeof input === "number") return Number.isFinite(input) && input >= 0 ? input : null;
  if (typeof input !== "string") return null;
  const text = input.trim().toLowerCase();
  if (text === "") return null;
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const at = PART.lastIndex;
    const match = PART.exec(text);
    if (!match || match.index !== at) return null;
    total += Number(match[1]) * (UNIT_MS[match[2] as string] as number);
  }
  return Math.round(total);
}

/**
 * The longest duration any key accepts unless it says less: 500h, just under the 2^31−1 ms
 * that Bun and Node timers take (a longer delay wraps to 1 ms: a stop timeout of `1000h`
 * would kill at once).
 */
export const MAX_DURATION_MS = 500 * 3_600_000;

/** The shortest exact text for a duration, for printing resolved configuration. */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0ms";
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** Human-friendly, for log lines: 412 ms, 1.2 s, 2m 5s. */
export function humanDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return seconds === 0 ? `${minutes}m` : `${minutes}m ${seconds}s`;
}
