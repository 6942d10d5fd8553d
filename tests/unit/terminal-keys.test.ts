import { describe, expect, test } from "bun:test";
import { createKeyReader, type KeyAction, keyHelp, LINE_PROMPT } from "../../src/cli/keys.ts";

const commands = (actions: KeyAction[]) =>
  actions.flatMap((a) => (a.type === "command" ? [a.command] : []));
const forwarded = (actions: KeyAction[]) =>
  actions.flatMap((a) => (a.type === "forward" ? [a.text] : []));
const echoed = (actions: KeyAction[]) =>
  actions.flatMap((a) => (a.type === "echo" ? [a.text] : [])).join("");

describe("key reader", () => {
  test("each shortcut key is a command; Ctrl-C quits", () => {
    const reader = createKeyReader();
    expect(commands(reader.feed("rRschq\x03"))).toEqual([
      "rebuild",
      "restart",
      "stop-start",
      "clear",
      "help",
      "quit",
      "quit",
    ]);
  });

  test("any other key starts a line for the server, echoed, sent on Enter", () => {
    const reader = createKeyReader();
    const actions = reader.feed("ping");
    expect(commands(actions)).toEqual([]);
    expect(forwarded(actions)).toEqual([]);
    expect(echoed(actions)).toBe(`${LINE_PROMPT}ping`);
    // Inside a line, shortcut letters are text.
    expect(commands(reader.feed(" rq"))).toEqual([]);
    expect(forwarded(reader.feed("\r"))).toEqual(["ping rq\n"]);
    // After Enter the keys are shortcuts again.
    expect(commands(reader.feed("r"))).toEqual(["rebuild"]);
  });

  test("a leading backslash sends a line that starts with a shortcut key", () => {
    const reader = createKeyReader();
    const actions = reader.feed("\\quit\r");
    expect(commands(actions)).toEqual([]);
    expect(forwarded(actions)).toEqual(["quit\n"]);
  });

  test("Enter alone reaches the server; CRLF counts once", () => {
    const reader = createKeyReader();
    expect(forwarded(reader.feed("\r"))).toEqual(["\n"]);
    expect(forwarded(reader.feed("x\r\n"))).toEqual(["x\n"]);
  });

  test("Backspace edits, Ctrl-U clears, Esc drops the line", () => {
    const reader = createKeyReader();
    expect(echoed(reader.feed("abc\x7f"))).toEndWith("\b \b");
    expect(forwarded(reader.feed("d\r"))).toEqual(["abd\n"]);
    reader.feed("xyz\x15");
    expect(forwarded(reader.feed("k\r"))).toEqual(["k\n"]);
    reader.feed("oops\x1b");
    expect(commands(reader.feed("q"))).toEqual(["quit"]);
  });

  test("arrow keys are ignored, not taken for Esc plus letters", () => {
    const reader = createKeyReader();
    const actions = reader.feed("\x1b[A\x1b[D\x1bOB");
    expect(actions).toEqual([]);
    expect(forwarded(reader.feed("ab\x1b[Cc\r"))).toEqual(["abc\n"]);
  });

  test("multi-byte characters are one key each", () => {
    const reader = createKeyReader();
    expect(forwarded(reader.feed("ñandú 😀\r"))).toEqual(["ñandú 😀\n"]);
  });

  test("Ctrl-C quits even in the middle of a line", () => {
    const reader = createKeyReader();
    reader.feed("half");
    expect(commands(reader.feed("\x03"))).toEqual(["quit"]);
  });
});

test("the help lists every key and how to type for the server", () => {
  const plain = keyHelp({ bold: (s) => s, dim: (s) => s });
  for (const key of ["r", "R", "s", "c", "h", "q"])
    expect(plain).toMatch(new RegExp(`^  ${key}  `, "m"));
  expect(plain).toContain("--no-keys");
  expect(plain).toContain("\\");
});
