import { describe, expect, test } from "bun:test";
import type { RequestRecord } from "../../scripts/bench/open-loop.ts";
import { splitEvents } from "../../scripts/bench/sse-reader.ts";
import { shortError } from "../../scripts/bench/swap-session.ts";
import {
  afterBuild,
  attachBuilds,
  buildEnds,
  classify,
  inWindow,
  noWait,
  slowestBound,
  summarize,
  verdictText,
  zeroFailures,
} from "../../scripts/bench/swap-windows.ts";

const req = (at: number, ms: number, extra: Partial<RequestRecord> = {}): RequestRecord => ({
  at,
  sent: at,
  end: at + ms,
  status: 200,
  error: null,
  version: "1.0.0",
  ...extra,
});

describe("swap windows", () => {
  const window = { editAt: 1000, servedAt: 1400 };

  test("a request is in the window when its life overlaps edit → served + margin", () => {
    expect(inWindow(req(900, 99), window, 100)).toBe(false); // ended before the edit
    expect(inWindow(req(900, 100), window, 100)).toBe(true); // ended at the edit
    expect(inWindow(req(990, 500), window, 100)).toBe(true); // spans it all
    expect(inWindow(req(1200, 1), window, 100)).toBe(true); // inside
    expect(inWindow(req(1500, 1), window, 100)).toBe(true); // within the margin
    expect(inWindow(req(1501, 1), window, 100)).toBe(false); // after it
    // A request due before the edit that stalls until after it (held) is in the window.
    expect(inWindow(req(500, 2000), window, 0)).toBe(true);
  });

  test("classify splits records between steady state and any window", () => {
    const records = [req(0, 1), req(1100, 1), req(2000, 1), req(3050, 1), req(3500, 1)];
    const { steady, swap } = classify(records, [window, { editAt: 3000, servedAt: 3100 }], 50);
    expect(swap.map((r) => r.at)).toEqual([1100, 3050]);
    expect(steady.map((r) => r.at)).toEqual([0, 2000, 3500]);
  });

  test("no windows: everything is steady", () => {
    expect(classify([req(0, 1)], [], 250).steady).toHaveLength(1);
  });
});

describe("summaries", () => {
  test("failures by kind, each once; latency only of 2xx answers", () => {
    const s = summarize([
      req(0, 1),
      req(0, 2),
      req(0, 3),
      req(0, 900, { status: 0, error: "connection" }),
      req(0, 10_000, { status: 0, error: "timeout" }),
      req(0, 4, { status: 503 }),
      req(0, 5, { status: 502 }),
    ]);
    expect(s).toMatchObject({ total: 7, failed: 4, connection: 1, timeouts: 1, non2xx: 2 });
    expect(s.p50).toBe(2);
    expect(s.max).toBe(3);
    expect(s.p99).toBeCloseTo(2.98, 5);
  });

  test("nothing answered: latency is NaN, not zero", () => {
    const s = summarize([req(0, 1, { status: 0, error: "connection" })]);
    expect(s.p50).toBeNaN();
    expect(s.max).toBeNaN();
  });
});

describe("targets", () => {
  const steady = summarize([req(0, 2), req(0, 3), req(0, 5)]);

  test("zero failures over the reloads", () => {
    expect(zeroFailures(summarize([req(0, 1)]), 100)).toEqual({
      met: true,
      text: "0 of 1 requests failed over 100 reloads",
    });
    expect(zeroFailures(summarize([req(0, 1, { status: 503 })]), 3)?.met).toBe(false);
    expect(zeroFailures(null, 0)).toBeNull();
    expect(zeroFailures(summarize([]), 0)).toBeNull();
  });

  test("no request waits for a swap: slowest ≤ 2 × steady p99 + 20 ms", () => {
    expect(slowestBound(5)).toBe(30);
    const bound = slowestBound(steady.p99);
    expect(noWait(steady, summarize([req(0, bound)]))?.met).toBe(true);
    expect(noWait(steady, summarize([req(0, bound + 0.1)]))?.met).toBe(false);
    // A failure inside a window is waiting for ever: not met, whatever the answered ones did.
    const failed = noWait(steady, summarize([req(0, 1), req(0, 1, { error: "connection" })]));
    expect(failed?.met).toBe(false);
    expect(failed?.text).toContain("1 failed");
    expect(noWait(steady, summarize([]))).toBeNull();
  });

  test("verdicts read met / not met / not measured", () => {
    expect(verdictText({ met: true, text: "x" })).toBe("**met** (x)");
    expect(verdictText({ met: false, text: "y" })).toBe("**not met** (y)");
    expect(verdictText(null)).toBe("**not measured**");
  });
});

test("SSE events are cut at blank lines; the incomplete rest waits for more", () => {
  expect(splitEvents("data: a\n\ndata: b\n\ndata: c")).toEqual({
    events: ["data: a", "data: b"],
    rest: "data: c",
  });
  expect(splitEvents("data: a\r\n\r\n")).toEqual({ events: ["data: a"], rest: "" });
  expect(splitEvents("")).toEqual({ events: [], rest: "" });
});

test("a fetch error shortened to its first sentence", () => {
  const reset = new TypeError(
    "ECONNRESET: The socket connection was closed unexpectedly. For more information, pass `verbose: true`",
  );
  expect(shortError(reset)).toBe("ECONNRESET: The socket connection was closed unexpectedly.");
  expect(shortError("no period here")).toBe("no period here");
});

describe("the swap proper, after the build", () => {
  const lines = [
    '{"type":"build.started","time":1010,"seq":2}',
    '{"type":"build.finished","time":1300,"seq":2,"ok":true}',
    '{"type":"build.finished","time":2500,"seq":3,"ok":false}',
    "{not json, an app's line",
    "listening on http://127.0.0.1:4000",
    '{"type":"build.finished","time":5200,"seq":4,"ok":true}',
  ];

  test("ok builds' end times are read from hotreload's --json lines", () => {
    expect(buildEnds(lines)).toEqual([1300, 5200]);
  });

  test("each window gets the build that finished inside it, or none", () => {
    const windows = [
      { editAt: 1000, servedAt: 1400 },
      { editAt: 3000, servedAt: 3100 },
      { editAt: 5000, servedAt: 5500 },
    ];
    const built = attachBuilds(windows, buildEnds(lines));
    expect(built.map((w) => w.builtAt)).toEqual([1300, undefined, 5200]);
    expect(afterBuild(built)).toEqual([
      { editAt: 1300, servedAt: 1400 },
      { editAt: 3000, servedAt: 3100 },
      { editAt: 5200, servedAt: 5500 },
    ]);
  });

  test("a request slow during the build is in the swap window but not in the swap proper", () => {
    const built = attachBuilds([{ editAt: 1000, servedAt: 1400 }], [1300]);
    const duringBuild = req(1050, 200);
    const atSwitch = req(1350, 3);
    expect(classify([duringBuild, atSwitch], built, 0).swap).toHaveLength(2);
    expect(classify([duringBuild, atSwitch], afterBuild(built), 0).swap).toEqual([atSwitch]);
  });
});
