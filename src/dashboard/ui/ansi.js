// ANSI SGR colours to DOM nodes. Text only ever goes into text nodes (never innerHTML), so
// a line such as `<script>` shows as text; colours use classes, and for 256/true colours the
// CSSOM (el.style), which the page's CSP allows, unlike inline style attributes.

const CSI =
  /\u001b\[([0-?]*)[ -/]*([@-~])|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-_]?/g;

/** @typedef {{fg: number|string|null, bg: number|string|null, bold: boolean, dim: boolean, italic: boolean, underline: boolean}} Style */
/** @typedef {{text: string, style: Style}} Segment */

function plainStyle() {
  return { fg: null, bg: null, bold: false, dim: false, italic: false, underline: false };
}

/** Reads an extended colour (`5;n` or `2;r;g;b`) starting at codes[i]; returns [colour, next index]. */
function extended(codes, i) {
  if (codes[i] === 5 && codes[i + 1] !== undefined) {
    return [Math.min(255, Math.max(0, codes[i + 1])), i + 2];
  }
  if (codes[i] === 2 && codes[i + 3] !== undefined) {
    const hex = codes
      .slice(i + 1, i + 4)
      .map((v) => Math.min(255, Math.max(0, v)).toString(16).padStart(2, "0"));
    return [`#${hex.join("")}`, i + 4];
  }
  return [null, codes.length];
}

/** Applies one SGR parameter list to a style, in place. */
export function applySgr(style, params) {
  const codes = params === "" ? [0] : params.split(/[;:]/).map((p) => (p === "" ? 0 : Number(p)));
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c === 0) Object.assign(style, plainStyle());
    else if (c === 1) style.bold = true;
    else if (c === 2) style.dim = true;
    else if (c === 3) style.italic = true;
    else if (c === 4) style.underline = true;
    else if (c === 22) style.bold = style.dim = false;
    else if (c === 23) style.italic = false;
    else if (c === 24) style.underline = false;
    else if (c >= 30 && c <= 37) style.fg = c - 30;
    else if (c >= 90 && c <= 97) style.fg = c - 90 + 8;
    else if (c === 39) style.fg = null;
    else if (c >= 40 && c <= 47) style.bg = c - 40;
    else if (c >= 100 && c <= 107) style.bg = c - 100 + 8;
    else if (c === 49) style.bg = null;
    else if (c === 38 || c === 48) {
      const [colour, next] = extended(codes, i + 1);
      if (colour !== null) style[c === 38 ? "fg" : "bg"] = colour;
      i = next - 1;
    }
  }
  return style;
}

/**
 * Splits a line into styled segments; other escape sequences (cursor moves, OSC links) are
 * dropped. A carriage return keeps only what was written after it, as a terminal shows it.
 * @returns {Segment[]}
 */
export function parseAnsi(input) {
  const cr = input.lastIndexOf("\r", input.length - 2);
  const text = cr >= 0 ? input.slice(cr + 1) : input;
  const segments = [];
  let style = plainStyle();
  let last = 0;
  for (const match of text.matchAll(CSI)) {
    if (match.index > last)
      segments.push({ text: text.slice(last, match.index), style: { ...style } });
    if (match[2] === "m") style = applySgr({ ...style }, match[1]);
    last = match.index + match[0].length;
  }
  if (last < text.length)
    segments.push({ text: text.slice(last).replace(/\r$/, ""), style: { ...style } });
  return segments.filter((s) => s.text !== "");
}

const CUBE = [0, 95, 135, 175, 215, 255];

/** The CSS colour of xterm palette entries 16–255 (0–15 come from the theme's classes). */
export function paletteColour(n) {
  if (n >= 232) {
    const v = 8 + (n - 232) * 10;
    return `rgb(${v}, ${v}, ${v})`;
  }
  const i = n - 16;
  return `rgb(${CUBE[Math.floor(i / 36)]}, ${CUBE[Math.floor(i / 6) % 6]}, ${CUBE[i % 6]})`;
}

function colour(el, which, value) {
  if (value === null) return;
  // The first 16 follow the light/dark theme (theme.css); the rest are fixed xterm colours.
  let css = value;
  if (typeof value === "number") css = value < 16 ? `var(--a${value})` : paletteColour(value);
  el.style[which === "fg" ? "color" : "backgroundColor"] = css;
}

/** Appends the line's segments to `parent` as text nodes and styled spans. */
export function renderAnsi(parent, input) {
  if (!input.includes("\u001b") && !input.includes("\r")) {
    parent.append(input);
    return;
  }
  for (const { text, style } of parseAnsi(input)) {
    const plain =
      style.fg === null &&
      style.bg === null &&
      !style.bold &&
      !style.dim &&
      !style.italic &&
      !style.underline;
    if (plain) {
      parent.append(text);
      continue;
    }
    const span = document.createElement("span");
    span.textContent = text;
    if (style.bold) span.classList.add("b");
    if (style.dim) span.classList.add("d");
    if (style.italic) span.classList.add("i");
    if (style.underline) span.classList.add("u");
    colour(span, "fg", style.fg);
    colour(span, "bg", style.bg);
    parent.append(span);
  }
}

/** The line without escape sequences, for search. */
export function stripAnsi(input) {
  return parseAnsi(input)
    .map((s) => s.text)
    .join("");
}
