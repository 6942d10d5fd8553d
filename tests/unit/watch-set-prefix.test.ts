import { expect, test } from "bun:test";
import { prefixFor } from "../../src/watch/watch-set.ts";

test("an extra watch directory is named relative to the root when close by, else absolutely", () => {
  expect(prefixFor("/repo/app", "/repo/shared")).toBe("../shared");
  expect(prefixFor("/repo/apps/web", "/repo/packages/ui")).toBe("../../packages/ui");
  expect(prefixFor("/repo/app", "/repo/app/vendor/lib")).toBe("vendor/lib");
  expect(prefixFor("/home/me/work/app", "/opt/company/lib")).toBe("/opt/company/lib");
});
