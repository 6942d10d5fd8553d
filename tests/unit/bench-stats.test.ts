import { expect, test } from "bun:test";
import { median, percentile, ratio } from "../../scripts/bench-stats.ts";

test("percentiles interpolate between ranks", () => {
  expect(median([3, 1, 2])).toBe(2);
  expect(median([1, 2, 3, 4])).toBe(2.5);
  expect(percentile([10, 20, 30, 40, 50], 90)).toBe(46);
  expect(percentile([7], 90)).toBe(7);
  expect(median([])).toBeNaN();
});

test("ratios against the floor", () => {
  expect(ratio(30, 10)).toBe("3.00×");
  expect(ratio(10, 0)).toBe("n/a");
  expect(ratio(Number.NaN, 10)).toBe("n/a");
});
