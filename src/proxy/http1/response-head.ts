/**
 * A response head from an instance as the front reads it: the status, how the body is
 * framed (RFC 9112 §6.3), whether the instance closes the connection afterwards, and the
 * head for the client — the same bytes unless it had hop-by-hop headers (Connection,
 * Keep-Alive and what Connection names), which are about the hop to the instance. The
 * framing headers stay: the body passes through as the instance framed it. Pure: no IO.
 */
import { lastCoding } from "./request-head.ts";

export type ResponseBody =
  | { readonly kind: "none" }
  | { readonly kind: "length"; readonly length: number }
  | { readonly kind: "chunked" }
  /** Ends when the instance closes the connection. */
  | { readonly kind: "close" };

export interface ResponseHead {
  readonly status: number;
  readonly body: ResponseBody;
  /** The instance closes the connection after this response. */
  readonly close: boolean;
  /** The head for the client, blank line included; null: pass the received bytes. */
  readonly rewritten: string | null;
}

export type ParsedResponse =
  | { readonly ok: true; readonly head: ResponseHead }
  | { readonly ok: false; readonly reason: string };

const DROP = new Set(["connection", "keep-alive", "proxy-connection"]);
const NONE: ResponseBody = { kind: "none" };
const CHUNKED: ResponseBody = { kind: "chunked" };
const UNTIL_CLOSE: ResponseBody = { kind: "close" };

/** `text`: the head as latin-1, up to just before the blank line; `head`: the request was HEAD. */
export function parseResponseHead(text: string, head: boolean): ParsedResponse {
  const bytes = Buffer.from(text, "latin1");
  return parseResponseBytes(bytes, 0, bytes.length, head);
}

const CRLF = Buffer.from("\r\n");

/** Whether `bytes[at, at + name.length)` is `name` (lower-case ASCII), ignoring case. */
function isName(bytes: Uint8Array, at: number, colon: number, name: string): boolean {
  if (colon - at !== name.length) return false;
  for (let i = 0; i < name.length; i++)
    if (((bytes[at + i] as number) | 0x20) !== name.charCodeAt(i)) return false;
  return true;
}

/** Digits of `bytes[from, to)` (spaces around allowed) as a number; -1 if anything else. */
function digitsAt(bytes: Uint8Array, from: number, to: number): number {
  let a = from;
  let b = to;
  while (a < b && (bytes[a] === 32 || bytes[a] === 9)) a++;
  while (b > a && (bytes[b - 1] === 32 || bytes[b - 1] === 9)) b--;
  if (a === b || b - a > 15) return -1;
  let n = 0;
  for (let i = a; i < b; i++) {
    const digit = (bytes[i] as number) - 48;
    if (digit < 0 || digit > 9) return -1;
    n = n * 10 + digit;
  }
  return n;
}

/**
 * The same as parseResponseHead on `bytes[start, end)`, read in place: on the hot path an
 * answer's head is never turned into a string unless its hop-by-hop headers must go.
 */
export function parseResponseBytes(
  bytes: Buffer,
  start: number,
  end: number,
  head: boolean,
): ParsedResponse {
  // "HTTP/1.x NNN" then a space or the end of the line.
  let lineEnd = bytes.indexOf(CRLF, start);
  if (lineEnd === -1 || lineEnd > end) lineEnd = end;
  if (
    lineEnd - start < 12 ||
    !isName(bytes, start, start + 7, "http/1.") ||
    (bytes[start + 7] !== 48 && bytes[start + 7] !== 49) ||
    bytes[start + 8] !== 32 ||
    (lineEnd - start > 12 && bytes[start + 12] !== 32)
  )
    return { ok: false, reason: "a malformed status line" };
  const status = digitsAt(bytes, start + 9, start + 12);
  if (status < 100) return { ok: false, reason: "a malformed status line" };
  const http10 = bytes[start + 7] === 48;
  let length = -1;
  let lengths = 0;
  let codings: string | null = null;
  let connection = "";
  let drop = false;
  let at = lineEnd + 2;
  while (at < end) {
    let next = bytes.indexOf(CRLF, at);
    if (next === -1 || next > end) next = end;
    const colon = bytes.indexOf(58, at);
    if (colon <= at || colon > next) return { ok: false, reason: "a malformed header line" };
    // Only names starting with c, k, p or t matter here; the others pass unread.
    const initial = (bytes[at] as number) | 0x20;
    if (initial === 99) {
      if (isName(bytes, at, colon, "content-length")) {
        const value = digitsAt(bytes, colon + 1, next);
        if (value < 0 || (lengths > 0 && value !== length))
          return { ok: false, reason: "a Content-Length that is not one number" };
        length = value;
        lengths++;
      } else if (isName(bytes, at, colon, "connection")) {
        connection += `,${bytes.toString("latin1", colon + 1, next).toLowerCase()}`;
        drop = true;
      }
    } else if (initial === 116) {
      if (isName(bytes, at, colon, "transfer-encoding")) {
        const value = bytes.toString("latin1", colon + 1, next).trim();
        codings = codings === null ? value : `${codings}, ${value}`;
      }
    } else if (initial === 107 || initial === 112) {
      if (isName(bytes, at, colon, "keep-alive") || isName(bytes, at, colon, "proxy-connection"))
        drop = true;
    }
    at = next + 2;
  }
  const close = http10
    ? !connection.includes("keep-alive")
    : /(^|,)\s*close\s*(,|$)/.test(connection);
  // Interim answers (100 Continue, 103 Early Hints) and 101 pass as they are.
  if (status < 200) return { ok: true, head: { status, body: NONE, close, rewritten: null } };
  let body: ResponseBody;
  if (head || status === 204 || status === 304) body = NONE;
  else if (codings !== null) body = lastCoding(codings) === "chunked" ? CHUNKED : UNTIL_CLOSE;
  else if (lengths > 0) body = length === 0 ? NONE : { kind: "length", length };
  else body = UNTIL_CLOSE;
  // Both framings: Transfer-Encoding wins, and Content-Length must not reach the client
  // (RFC 9112 §6.3), or it could read the body another way than we do.
  const both = codings !== null && lengths > 0;
  const rewritten =
    drop || both
      ? withoutHopByHop(bytes.toString("latin1", start, end).split("\r\n"), connection, both)
      : null;
  return { ok: true, head: { status, body, close: close || body.kind === "close", rewritten } };
}

function withoutHopByHop(lines: string[], connection: string, dropLength: boolean): string {
  const named = new Set(DROP);
  for (const token of connection.split(",")) {
    const name = token.trim();
    if (name !== "") named.add(name);
  }
  let out = `${lines[0]}\r\n`;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const name = line.slice(0, line.indexOf(":")).trim().toLowerCase();
    // The framing stays whatever Connection names: the body passes as the instance framed it.
    if (name === "content-length" ? !dropLength : !named.has(name) || name === "transfer-encoding")
      out += `${line}\r\n`;
  }
  return `${out}\r\n`;
}
