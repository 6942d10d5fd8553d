import { expect, test } from "bun:test";
import pkg from "../../package.json" with { type: "json" };
import { BUN_FLOOR, olderThanFloor } from "../../src/cli/bun-floor.ts";

test("the floor is package.json's engines.bun, and this Bun is not below it", () => {
  expect(pkg.engines.bun).toBe(`>=${BUN_FLOOR}`);
  expect(olderThanFloor(Bun.version)).toBe(false);
});

test.each([
  ["1.4.3", "1.4.4", true],
  ["1.3.14", "1.4.4", true],
  ["0.9.9", "1.4.4", true],
  ["1.4.4", "1.4.4", false],
  ["1.4.10", "1.4.4", false],
  ["1.5.0-canary.20270101.1", "1.4.4", false],
  ["2.0.0", "1.4.4", false],
])("%s against the floor %s: older %p", (version, floor, older) => {
  expect(olderThanFloor(version, floor)).toBe(older);
});
