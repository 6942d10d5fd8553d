import { expect, test } from "bun:test";
import { firstErrorLine } from "../../src/notify/first-error-line.ts";

test.each([
  [
    "Go: the first location line, not the package header",
    [
      "# example.com/svc",
      "./main.go:4:2: declared and not used: x",
      "./main.go:9:1: missing return",
    ],
    "./main.go:4:2: declared and not used: x",
  ],
  [
    "Bun: the error line, not the source excerpt",
    ['1 | const v = ;;= "x;', "              ^", "error: Unexpected ;", "    at /p/app.ts:1:11"],
    "error: Unexpected ;",
  ],
  [
    "tsc",
    ["src/x.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'."],
    "src/x.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.",
  ],
  [
    "Rust: the error, not the arrow line",
    [
      "   Compiling app v0.1.0",
      "error[E0425]: cannot find value `y` in this scope",
      " --> src/main.rs:2:5",
    ],
    "error[E0425]: cannot find value `y` in this scope",
  ],
  ["colour codes are stripped", ["\x1b[31merror\x1b[0m: boom"], "error: boom"],
  ["a failure word", ["step 1 ok", "make: *** [all] failed", "done"], "make: *** [all] failed"],
  ["else the last line", ["one", "two", ""], "two"],
  ["nothing at all", [], ""],
] as const)("%s", (_name, tail, expected) => {
  expect(firstErrorLine(tail)).toBe(expected);
});
