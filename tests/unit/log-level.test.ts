import { expect, test } from "bun:test";
import { useColor } from "../../src/cli/color.ts";
import { summary } from "../../src/events/pretty.ts";
import { levelFromEnv } from "../../src/log.ts";

test.each([
  ["debug", "debug"],
  ["DEBUG", "debug"],
  ["Info", "info"],
  ["WARN", "warn"],
  ["warning", "warn"],
  ["error", "error"],
  [undefined, "info"],
  ["", "info"],
] as const)("HOTRELOAD_LOG_LEVEL=%p → %p", (value, level) => {
  expect(levelFromEnv(value)).toEqual({ level });
});

test("a bad level warns and falls back to info", () => {
  const result = levelFromEnv("loud");
  expect(result.level).toBe("info");
  expect(result.warning).toContain("HOTRELOAD_LOG_LEVEL=loud");
  expect(result.warning).toContain("debug, info, warn, error");
});

test("colour: --no-color and NO_COLOR win, FORCE_COLOR forces, else a TTY decides", () => {
  expect(useColor(false, { isTTY: true }, {})).toBe(false);
  expect(useColor(undefined, { isTTY: true }, { NO_COLOR: "1" })).toBe(false);
  expect(useColor(undefined, { isTTY: false }, { FORCE_COLOR: "1" })).toBe(true);
  expect(useColor(undefined, { isTTY: true }, { FORCE_COLOR: "0" })).toBe(false);
  expect(useColor(undefined, { isTTY: true }, {})).toBe(true);
  expect(useColor(undefined, { isTTY: false }, {})).toBe(false);
  expect(useColor(undefined, { isTTY: true }, { TERM: "dumb" })).toBe(false);
});

test("the reload summary names each stage", () => {
  expect(summary(3, { build: 412, stop: 30, start: 8, healthy: 120 })).toBe(
    "✓ 3 files changed · built in 412 ms · swapped in 38 ms · healthy in 120 ms",
  );
  expect(summary(0, { start: 5 })).toBe("✓ started in 5 ms");
});
