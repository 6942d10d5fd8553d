import { expect, test } from "bun:test";
import { escapeXml, formatMs, latencyChart, logTicks } from "../../scripts/bench/svg-chart.ts";

test("log ticks cover the range in 1-2-5 steps", () => {
  expect(logTicks(3, 40)).toEqual([2, 5, 10, 20, 50]);
  expect(logTicks(12, 900)).toEqual([10, 20, 50, 100, 200, 500, 1000]);
  expect(logTicks(1, 1)).toEqual([1]);
});

test("labels are escaped and short", () => {
  expect(escapeXml(`a<b>&"c"`)).toBe("a&lt;b&gt;&amp;&quot;c&quot;");
  expect(formatMs(3.25)).toBe("3.3 ms");
  expect(formatMs(47.4)).toBe("47 ms");
  expect(formatMs(1340)).toBe("1.3 s");
});

test("one dot per sample, a row per series, both colour schemes, valid nesting", () => {
  const svg = latencyChart("Title <x>", [
    {
      title: "Go, rename",
      series: [
        { label: "floor", samples: [10, 12, 14] },
        { label: "hotreload --debounce 0", samples: [20, 25] },
      ],
    },
    { title: "Bun, in-place", series: [{ label: "entr <-r>", samples: [] }] },
  ]);
  expect(svg.startsWith("<svg xmlns=")).toBe(true);
  expect(svg.trim().endsWith("</svg>")).toBe(true);
  expect(svg.match(/<circle /g)).toHaveLength(5);
  expect(svg.match(/<rect fill=/g)).toHaveLength(2);
  expect(svg).toContain("Title &lt;x&gt;");
  expect(svg).toContain("entr &lt;-r&gt; (no samples)");
  expect(svg).toContain("prefers-color-scheme:dark");
  expect(svg).toContain('class="bg"');
  expect(svg).not.toContain("NaN");
  // Every element opened is closed (self-closing or paired).
  const opened = svg.match(/<(svg|text|title|style)\b/g)?.length ?? 0;
  const closed = svg.match(/<\/(svg|text|title|style)>/g)?.length ?? 0;
  expect(closed).toBe(opened);
});

test("same tool, same colour in every panel", () => {
  const svg = latencyChart("t", [
    {
      title: "a",
      series: [
        { label: "x", samples: [5] },
        { label: "y", samples: [9] },
      ],
    },
    {
      title: "b",
      series: [
        { label: "y", samples: [7] },
        { label: "x", samples: [6] },
      ],
    },
  ]);
  const fills = [...svg.matchAll(/<circle fill="(#[0-9a-f]+)"/g)].map((m) => m[1]);
  expect(fills[0]).toBe(fills[3] as string);
  expect(fills[1]).toBe(fills[2] as string);
  expect(fills[0]).not.toBe(fills[1] as string);
});
