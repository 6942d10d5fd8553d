/**
 * Timestamps the benchmark children put in their output, so a reader can tell how long a
 * line took to reach it: `TS <epoch ms>` lines (proc-log-writer.ts) and a trailing
 * `ts=<epoch ms>` (proc-line-emitter.ts). Epoch ms are `performance.timeOrigin +
 * performance.now()` on both sides.
 */

/**
 * Finds complete `TS <epoch>` lines in `text` (the previous carry plus a new chunk) and
 * returns `now - epoch` for each, and the carry for the next call: the unfinished last
 * line when it is short enough to be a stamp, else a marker that the next chunk starts
 * in the middle of a line.
 */
export function scanStamps(text: string, now: number): { lags: number[]; carry: string } {
  const lags: number[] = [];
  const lastNl = text.lastIndexOf("\n");
  for (let i = text.indexOf("TS "); i >= 0 && i < lastNl; i = text.indexOf("TS ", i + 3)) {
    if (i > 0 && text[i - 1] !== "\n") continue;
    const epoch = Number(text.slice(i + 3, text.indexOf("\n", i)));
    if (Number.isFinite(epoch) && epoch > 0) lags.push(now - epoch);
  }
  const partial = text.slice(lastNl + 1);
  return { lags, carry: partial.length <= MAX_STAMP_LINE ? partial : MID_LINE };
}

/** Longer than any `TS <epoch>` line. */
const MAX_STAMP_LINE = 40;
/** A carry that is not a line start, so `TS ` right after it does not count. */
const MID_LINE = "-";

/** The `ts=<epoch>` at the end of a line, or null. */
export function lineStamp(line: string): number | null {
  const match = /ts=(\d+(?:\.\d+)?)$/.exec(line);
  return match ? Number(match[1]) : null;
}
