/**
 * A hand-written SVG of latency distributions: one panel per case, one row per tool, a box
 * from p25 to p75 with the median, whiskers from min to max and every sample as a dot, on a
 * log scale. Background and text follow prefers-color-scheme so the chart reads in GitHub's
 * light and dark themes alike. Pure: unit-tested in tests/unit/bench-svg-chart.test.ts.
 */
import { percentile } from "../bench-stats.ts";

export interface ChartSeries {
  label: string;
  samples: readonly number[];
}

export interface ChartGroup {
  title: string;
  series: readonly ChartSeries[];
}

const WIDTH = 760;
const LEFT = 230;
const RIGHT = 76;
const TOP = 40;
const ROW = 22;
const GROUP_GAP = 30;
const BOTTOM = 46;
/** Mid-tone colours that keep their contrast on white and on GitHub's dark background. */
const PALETTE = ["#8250df", "#1f883d", "#0969da", "#bf8700", "#cf222e", "#1b7c83", "#6e7781"];

export function escapeXml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

/** 1, 2, 5 × 10^k ticks covering [min, max], at least one decade. */
export function logTicks(min: number, max: number): number[] {
  const low = 10 ** Math.floor(Math.log10(Math.max(min, 0.1)));
  const ticks: number[] = [];
  for (let decade = low; decade <= max * 10; decade *= 10)
    for (const step of [1, 2, 5]) ticks.push(Number((decade * step).toPrecision(3)));
  const first = ticks.findLastIndex((t) => t <= min);
  const last = ticks.findIndex((t) => t >= max);
  return ticks.slice(Math.max(first, 0), last < 0 ? ticks.length : last + 1);
}

/** "12 ms", "1.3 s": short labels for the p50 column. */
export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)} s`;
  return `${ms >= 10 ? ms.toFixed(0) : ms.toFixed(1)} ms`;
}

export function latencyChart(title: string, groups: readonly ChartGroup[]): string {
  const all = groups.flatMap((g) => g.series.flatMap((s) => s.samples)).filter((v) => v > 0);
  const ticks = logTicks(
    all.length > 0 ? Math.min(...all) : 1,
    all.length > 0 ? Math.max(...all) : 1000,
  );
  const [lo, hi] = [Math.log10(ticks[0] ?? 1), Math.log10(ticks.at(-1) ?? 1000)];
  const x = (ms: number) =>
    LEFT +
    ((Math.log10(Math.max(ms, ticks[0] ?? 1)) - lo) / (hi - lo || 1)) * (WIDTH - LEFT - RIGHT);
  const colour = new Map<string, string>();
  for (const g of groups)
    for (const s of g.series)
      if (!colour.has(s.label))
        colour.set(s.label, PALETTE[colour.size % PALETTE.length] as string);

  const body: string[] = [];
  let y = TOP;
  for (const group of groups) {
    body.push(`<text class="t b" x="12" y="${y + 14}">${escapeXml(group.title)}</text>`);
    y += ROW;
    for (const series of group.series) {
      const mid = y + ROW / 2;
      const fill = colour.get(series.label) as string;
      const note = series.samples.length === 0 ? " (no samples)" : "";
      body.push(`<text class="t" x="24" y="${mid + 4}">${escapeXml(series.label + note)}</text>`);
      body.push(...seriesMarks(series.samples, mid, x, fill));
      if (series.samples.length > 0)
        body.push(
          `<text class="m" x="${WIDTH - 12}" y="${mid + 4}" text-anchor="end">${formatMs(percentile(series.samples, 50))}</text>`,
        );
      y += ROW;
    }
    y += GROUP_GAP - ROW / 2;
  }
  const plotBottom = y;
  body.push(`<text class="m" x="${WIDTH - 12}" y="${TOP - 10}" text-anchor="end">p50</text>`);
  const grid = ticks.map((t) => {
    const at = x(t).toFixed(1);
    return `<line class="g" x1="${at}" x2="${at}" y1="${TOP - 6}" y2="${plotBottom}"/><text class="m" x="${at}" y="${plotBottom + 16}" text-anchor="middle">${t}</text>`;
  });
  const height = plotBottom + BOTTOM;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${escapeXml(title)}">`,
    `<title>${escapeXml(title)}</title>`,
    "<style>",
    ".bg{fill:#ffffff}.t{fill:#1f2328;font:12px -apple-system,'Segoe UI',Helvetica,Arial,sans-serif}",
    ".b{font-weight:600}.m{fill:#59636e;font:11px -apple-system,'Segoe UI',Helvetica,Arial,sans-serif}",
    ".g{stroke:#d1d9e0;stroke-width:1}.w{stroke-width:1.5}",
    "@media (prefers-color-scheme:dark){.bg{fill:#0d1117}.t{fill:#e6edf3}.m{fill:#9198a1}.g{stroke:#3d444d}}",
    "</style>",
    `<rect class="bg" width="${WIDTH}" height="${height}" rx="6"/>`,
    `<text class="t b" x="12" y="22">${escapeXml(title)}</text>`,
    ...grid,
    ...body,
    `<text class="m" x="${WIDTH - RIGHT}" y="${height - 10}" text-anchor="end">ms, log scale · box p25–p75, bar median, whiskers min–max, dots samples</text>`,
    "</svg>",
    "",
  ].join("\n");
}

function seriesMarks(
  samples: readonly number[],
  mid: number,
  x: (ms: number) => number,
  fill: string,
): string[] {
  if (samples.length === 0) return [];
  const [min, p25, p50, p75, max] = [0, 25, 50, 75, 100].map((p) => x(percentile(samples, p))) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const f = (n: number) => n.toFixed(1);
  const marks = [
    `<line class="w" stroke="${fill}" x1="${f(min)}" x2="${f(max)}" y1="${mid}" y2="${mid}"/>`,
    `<rect fill="${fill}" fill-opacity="0.25" stroke="${fill}" x="${f(p25)}" y="${mid - 7}" width="${f(Math.max(p75 - p25, 1))}" height="14"/>`,
    `<line stroke="${fill}" stroke-width="3" x1="${f(p50)}" x2="${f(p50)}" y1="${mid - 8}" y2="${mid + 8}"/>`,
  ];
  samples.forEach((v, i) => {
    const jitter = ((i * 7) % 9) - 4;
    marks.push(
      `<circle fill="${fill}" fill-opacity="0.7" cx="${f(x(v))}" cy="${mid + jitter}" r="2"/>`,
    );
  });
  return marks;
}
