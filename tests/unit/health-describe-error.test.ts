import { describe, expect, test } from "bun:test";
import { describeFetchError } from "../../src/health/describe-error.ts";

const url = "http://localhost:8080/health";

describe("describeFetchError", () => {
  test.each([
    ["ECONNREFUSED", "connection refused"],
    ["ENOTFOUND", "host name not found (DNS)"],
    ["ECONNRESET", "connection reset"],
  ])("%s reads as %p", (code, text) => {
    const error = Object.assign(new TypeError("raw"), { code });
    const described = describeFetchError(url, error);
    expect(described.startsWith(`GET ${url} failed: `)).toBe(true);
    expect(described).toContain(text);
    expect(described).not.toContain("raw");
  });

  test("unknown errors keep their message and code", () => {
    const error = Object.assign(new Error("weird thing"), { code: "EWEIRD" });
    expect(describeFetchError(url, error)).toBe(`GET ${url} failed: weird thing (EWEIRD)`);
  });

  test("non-errors are stringified", () => {
    expect(describeFetchError(url, "boom")).toBe(`GET ${url} failed: boom`);
  });
});
