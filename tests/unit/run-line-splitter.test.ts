import { describe, expect, test } from "bun:test";
import { createLineSplitter } from "../../src/run/line-splitter.ts";

function split(chunks: (string | Uint8Array)[], max?: number) {
  const lines: string[] = [];
  const splitter = createLineSplitter((line) => lines.push(line), max);
  for (const chunk of chunks) splitter.push(chunk);
  const beforeEnd = [...lines];
  splitter.end();
  return { lines, beforeEnd };
}

describe("line splitter", () => {
  test("emits each line as soon as its newline arrives", () => {
    const lines: string[] = [];
    const splitter = createLineSplitter((line) => lines.push(line));
    splitter.push("one\ntw");
    expect(lines).toEqual(["one"]);
    splitter.push("o\n");
    expect(lines).toEqual(["one", "two"]);
  });

  test("joins partial lines across chunks and flushes a last line without newline", () => {
    const { lines, beforeEnd } = split(["a", "b", "c\nd", "e"]);
    expect(beforeEnd).toEqual(["abc"]);
    expect(lines).toEqual(["abc", "de"]);
  });

  test("strips CR of CRLF, also when CR and LF arrive in different chunks", () => {
    expect(split(["x\r\ny\r", "\nz\r\n"]).lines).toEqual(["x", "y", "z"]);
  });

  test("keeps empty lines and emits nothing extra at end after a final newline", () => {
    expect(split(["\n\na\n"]).lines).toEqual(["", "", "a"]);
  });

  test("decodes UTF-8 split inside a multi-byte sequence", () => {
    const bytes = new TextEncoder().encode("héllo ✓\n");
    const { lines } = split([bytes.slice(0, 2), bytes.slice(2, 9), bytes.slice(9)]);
    expect(lines).toEqual(["héllo ✓"]);
  });

  test("caps very long lines and says how much was dropped, keeping memory bounded", () => {
    const long = "x".repeat(25);
    const { lines } = split([long.slice(0, 7), long.slice(7), "\nnext\n"], 10);
    expect(lines).toEqual([`${"x".repeat(10)}… [15 more characters dropped]`, "next"]);
  });

  test("caps a very long final line without newline too", () => {
    const { lines } = split(["y".repeat(12)], 10);
    expect(lines).toEqual([`${"y".repeat(10)}… [2 more characters dropped]`]);
  });

  test("default cap is 64 KiB", () => {
    const { lines } = split([`${"z".repeat(70_000)}\n`]);
    expect(lines[0]?.startsWith("z".repeat(65_536))).toBe(true);
    expect(lines[0]).toContain("[4464 more characters dropped]");
  });
});

describe("partial lines", () => {
  test("flushPartial hands over the text so far; the rest of the line comes on its own", () => {
    const lines: string[] = [];
    const splitter = createLineSplitter((line) => lines.push(line));
    splitter.push("name? ");
    expect(splitter.hasPartial()).toBe(true);
    splitter.flushPartial();
    expect(lines).toEqual(["name? "]);
    expect(splitter.hasPartial()).toBe(false);
    splitter.flushPartial();
    splitter.push("ok\n");
    splitter.end();
    expect(lines).toEqual(["name? ", "ok"]);
  });

  test("the newline that ends a flushed partial line adds no empty line (also CRLF, also split)", () => {
    const lines: string[] = [];
    const splitter = createLineSplitter((line) => lines.push(line));
    splitter.push("progress ...");
    splitter.flushPartial();
    splitter.push("\nnext\n");
    splitter.push("more");
    splitter.flushPartial();
    splitter.push("\r");
    splitter.push("\n");
    splitter.push("after");
    splitter.flushPartial();
    splitter.push(" the rest\n");
    splitter.end();
    expect(lines).toEqual(["progress ...", "next", "more", "after", " the rest"]);
  });
});
