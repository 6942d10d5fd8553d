/**
 * `health_check.expect_status`: which HTTP statuses mark a server ready. Entries are a
 * status (`200`), a range (`200-399`) or a class (`2xx`); a list of them, or one. Pure.
 */

export type StatusRange = readonly [number, number];

export const DEFAULT_EXPECT_STATUS: readonly string[] = ["200-299"];

export type StatusParse = { ok: true; ranges: StatusRange[] } | { ok: false; bad: unknown };

function parseEntry(entry: unknown): StatusRange | null {
  const text =
    typeof entry === "number" ? String(entry) : typeof entry === "string" ? entry.trim() : null;
  if (text === null) return null;
  const valid = (n: number) => Number.isInteger(n) && n >= 100 && n <= 599;
  let match = /^(\d{3})$/.exec(text);
  if (match) {
    const n = Number(match[1]);
    return valid(n) ? [n, n] : null;
  }
  match = /^(\d{3})\s*-\s*(\d{3})$/.exec(text);
  if (match) {
    const [from, to] = [Number(match[1]), Number(match[2])];
    return valid(from) && valid(to) && from <= to ? [from, to] : null;
  }
  match = /^([1-5])xx$/i.exec(text);
  if (match) {
    const base = Number(match[1]) * 100;
    return [base, base + 99];
  }
  return null;
}

export function parseExpectStatus(raw: unknown): StatusParse {
  const entries = Array.isArray(raw) ? raw : [raw];
  if (entries.length === 0) return { ok: false, bad: raw };
  const ranges: StatusRange[] = [];
  for (const entry of entries) {
    const range = parseEntry(entry);
    if (range === null) return { ok: false, bad: entry };
    ranges.push(range);
  }
  return { ok: true, ranges };
}

export function formatRange([from, to]: StatusRange): string {
  return from === to ? String(from) : `${from}-${to}`;
}

export function statusMatches(ranges: readonly StatusRange[], status: number): boolean {
  return ranges.some(([from, to]) => status >= from && status <= to);
}

/** Ranges from the resolved, already validated strings. */
export function rangesOf(expect: readonly string[]): StatusRange[] {
  const parsed = parseExpectStatus([...expect]);
  return parsed.ok ? parsed.ranges : [[200, 299]];
}
