import { describe, expect, test } from "bun:test";
import {
  findFileRefs,
  linkFileRefs,
  osc8,
  supportsHyperlinks,
} from "../../src/events/hyperlinks.ts";

describe("file references in compiler output", () => {
  test.each([
    ["./main.go:12:5: x declared and not used", "./main.go", 12, 5],
    ["src/x.ts(3,7): error TS2322: Type 'string'", "src/x.ts", 3, 7],
    ["src/x.ts:3:7 - error TS2322", "src/x.ts", 3, 7],
    ["  --> src/main.rs:2:5", "src/main.rs", 2, 5],
    ["    at /srv/app/server.ts:1:11", "/srv/app/server.ts", 1, 11],
    ["pkg/handler.test.go:40", "pkg/handler.test.go", 40, undefined],
    ["C:\\work\\main.go:3:4: bad", "C:\\work\\main.go", 3, 4],
  ] as const)("%p → %p line %p col %p", (line, file, lineNo, column) => {
    const [ref, ...rest] = findFileRefs(line);
    expect(rest).toEqual([]);
    expect(ref).toMatchObject({ file, line: lineNo });
    expect(ref?.column).toBe(column);
    expect(line.slice(ref?.start, (ref?.start ?? 0) + (ref?.length ?? 0))).toStartWith(file);
  });

  test.each([
    "listening on 127.0.0.1:8080",
    "GET http://example.com:443/x",
    "# example.com/svc",
    "took 1.5s",
    "",
  ])("no reference in %p", (line) => {
    expect(findFileRefs(line)).toEqual([]);
  });
});

describe("linkFileRefs", () => {
  const exists = (path: string) => path === "/p/main.go" || path === "/srv/app.ts";

  test("a relative reference becomes a file:// link resolved against the build's cwd", () => {
    const line = "./main.go:12:5: x declared and not used";
    expect(linkFileRefs(line, { cwd: "/p", exists })).toBe(
      `${osc8("file:///p/main.go", "./main.go:12:5")}: x declared and not used`,
    );
  });

  test("absolute paths stay absolute; several references on one line", () => {
    const line = "at /srv/app.ts:1:2 (from ./main.go:3)";
    expect(linkFileRefs(line, { cwd: "/p", exists })).toBe(
      `at ${osc8("file:///srv/app.ts", "/srv/app.ts:1:2")} (from ${osc8("file:///p/main.go", "./main.go:3")})`,
    );
  });

  test("a reference to a file that does not exist is left as text", () => {
    expect(linkFileRefs("gone.go:1:1: x", { cwd: "/p", exists })).toBe("gone.go:1:1: x");
  });

  test("non-ASCII paths are recognised and percent-encoded in the URL", () => {
    const line = "./café/ñ.go:1:1: x";
    expect(linkFileRefs(line, { cwd: "/w", exists: () => true })).toBe(
      `${osc8("file:///w/caf%C3%A9/%C3%B1.go", "./café/ñ.go:1:1")}: x`,
    );
  });
});

describe("supportsHyperlinks", () => {
  test("never without a terminal, never on TERM=dumb, on in a terminal otherwise", () => {
    expect(supportsHyperlinks({ isTTY: false }, {})).toBe(false);
    expect(supportsHyperlinks({}, { TERM: "xterm-256color" })).toBe(false);
    expect(supportsHyperlinks({ isTTY: true }, { TERM: "dumb" })).toBe(false);
    expect(supportsHyperlinks({ isTTY: true }, { TERM: "xterm-256color" })).toBe(true);
  });

  test("independent of colour: NO_COLOR does not turn links off", () => {
    expect(supportsHyperlinks({ isTTY: true }, { TERM: "xterm", NO_COLOR: "1" })).toBe(true);
  });

  test("FORCE_HYPERLINK=1 forces, FORCE_HYPERLINK=0 forbids", () => {
    expect(supportsHyperlinks({ isTTY: false }, { FORCE_HYPERLINK: "1" })).toBe(true);
    expect(supportsHyperlinks({ isTTY: true }, { FORCE_HYPERLINK: "0" })).toBe(false);
    expect(supportsHyperlinks({ isTTY: true }, { FORCE_HYPERLINK: "" })).toBe(true);
  });
});
