import { describe, expect, test } from "bun:test";
import { configSchema } from "../../src/config/schema.ts";
import { parseExpectStatus, statusMatches } from "../../src/health/expect-status.ts";

describe("health_check.expect_status", () => {
  const resolve = (value: unknown) =>
    configSchema.check({ health_check: { expect_status: value } }, []);

  test("a status, a range, a class, or a list of them; resolved to ranges", () => {
    const cases: [unknown, string[]][] = [
      [["200-399"], ["200-399"]],
      ["200-399", ["200-399"]],
      [200, ["200"]],
      ["2xx", ["200-299"]],
      [
        ["2XX", 404, "300 - 302"],
        ["200-299", "404", "300-302"],
      ],
    ];
    for (const [raw, resolved] of cases) {
      const result = resolve(raw);
      expect(result.ok && result.value.health_check.expect_status).toEqual(resolved);
    }
    expect(configSchema.default.health_check.expect_status).toEqual(["200-299"]);
  });

  test("nonsense is refused with the key path, what was expected and a hint", () => {
    for (const raw of ["ok", 99, 600, "399-200", [], ["200", true]]) {
      const result = resolve(raw);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.problems[0]?.message).toContain(
          "Expected `health_check.expect_status` to be a status like `200`",
        );
        expect(result.problems[0]?.hint).toContain("[200-399]");
      }
    }
  });

  test("matching", () => {
    const parsed = parseExpectStatus(["200-299", 404]);
    if (!parsed.ok) throw new Error("expected a parse");
    expect([200, 299, 404, 300, 403, 500].map((s) => statusMatches(parsed.ranges, s))).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});
