import { expect, test } from "bun:test";

// The page's own module (plain browser JS, served as is): its pure parts run here too.
interface Style {
  fg: number | string | null;
  bg: number | string | null;
  bold: boolean;
  dim: boolean;
  italic: boolean;
  underline: boolean;
}
interface Ansi {
  parseAnsi(text: string): { text: string; style: Style }[];
  stripAnsi(text: string): string;
  paletteColour(n: number): string;
}
const modulePath = new URL("../../src/dashboard/ui/ansi.js", import.meta.url).pathname;
const ansi = (await import(modulePath)) as Ansi;

const plain: Style = {
  fg: null,
  bg: null,
  bold: false,
  dim: false,
  italic: false,
  underline: false,
};

test("basic and bright colours, attributes and reset", () => {
  expect(ansi.parseAnsi("\x1b[31mred\x1b[0m ok \x1b[1;4;92mbright\x1b[22mthin")).toEqual([
    { text: "red", style: { ...plain, fg: 1 } },
    { text: " ok ", style: plain },
    { text: "bright", style: { ...plain, fg: 10, bold: true, underline: true } },
    { text: "thin", style: { ...plain, fg: 10, underline: true } },
  ]);
  expect(ansi.parseAnsi("\x1b[2;3mx\x1b[m")).toEqual([
    { text: "x", style: { ...plain, dim: true, italic: true } },
  ]);
});

test("256 and true colours, foreground and background", () => {
  expect(ansi.parseAnsi("\x1b[38;5;208;48;2;1;2;255mx")).toEqual([
    { text: "x", style: { ...plain, fg: 208, bg: "#0102ff" } },
  ]);
  expect(ansi.paletteColour(208)).toBe("rgb(255, 135, 0)");
  expect(ansi.paletteColour(232)).toBe("rgb(8, 8, 8)");
  expect(ansi.paletteColour(16)).toBe("rgb(0, 0, 0)");
});

test("HTML stays text, other escapes are dropped, carriage returns keep the last write", () => {
  expect(ansi.stripAnsi("<script>alert(1)</script>")).toBe("<script>alert(1)</script>");
  expect(ansi.stripAnsi("\x1b[2K\x1b[1Gdone \x1b]8;;http://x\x07link\x1b]8;;\x07 \x1b[?25l")).toBe(
    "done link ",
  );
  expect(ansi.stripAnsi("10%\r50%\r100%")).toBe("100%");
  expect(ansi.stripAnsi("line\r")).toBe("line");
});
