/**
 * A response head from an instance as the front reads it: the status, how the body is
 * framed (RFC 9112 §6.3), whether the instance closes the connection afterwards, and the
 * head for the client — the same bytes unless it had hop-by-hop headers (Connection,
 * Keep-Alive and what Connection names), which are about the hop to the instance. The
 * framing headers stay: the body passes through as the instance framed it. Pure: no IO.
 */
import {
  connectionOptions,
  crlfAt,
  Header,
  hashStep,
  headerAt,
  joined,
  lastCoding,
  Says,
  valueAt,
} from "./head-text.ts";

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

/** `bytes[start, end)`: a head up to just before its blank line; `head`: the request was HEAD. */
export function parseResponseBytes(
  bytes: Buffer,
  start: number,
  end: number,
  head: boolean,
): ParsedResponse {
  // As a string: its indexOf and charCodeAt cost a tenth of a Buffer's.
  return parseResponseHead(bytes.toString("latin1", start, end), head);
}

/** Digits of `text[from, to)` (spaces around allowed) as a number; -1 if anything else. */
function digitsAt(text: string, from: number, to: number): number {
  let a = from;
  let b = to;
  while (a < b && (text.charCodeAt(a) === 32 || text.charCodeAt(a) === 9)) a++;
  while (b > a && (text.charCodeAt(b - 1) === 32 || text.charCodeAt(b - 1) === 9)) b--;
  if (a === b || b - a > 15) return -1;
  let n = 0;
  for (let i = a; i < b; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    n = n * 10 + digit;
  }
  return n;
}

const STATUS_LINE = /^HTTP\/1\.[01] \d{3}(?: |\r\n|$)/i;

/** `text`: the head as latin-1, up to just before the blank line; `head`: the request was HEAD. */
export function parseResponseHead(text: string, head: boolean): ParsedResponse {
  const length = text.length;
  let lineEnd = crlfAt(text, 0);
  if (lineEnd === -1) lineEnd = length;
  // "HTTP/1.x NNN" then a space or the end of the line.
  if (!STATUS_LINE.test(text)) return { ok: false, reason: "a malformed status line" };
  const status = digitsAt(text, 9, 12);
  if (status < 100) return { ok: false, reason: "a malformed status line" };
  const http10 = text.charCodeAt(7) === 48;
  let contentLength = -1;
  let lengths = 0;
  let codings: string | null = null;
  let says = 0;
  let connection = "";
  let drop = false;
  let at = lineEnd + 2;
  while (at < length) {
    let next = crlfAt(text, at);
    if (next === -1) next = length;
    let colon = at;
    let hash = 0;
    for (; colon < next; colon++) {
      const code = text.charCodeAt(colon);
      if (code === 58) break;
      hash = hashStep(hash, code);
    }
    if (colon === at || colon === next) return { ok: false, reason: "a malformed header line" };
    switch (headerAt(text, at, colon, hash)) {
      case Header.ContentLength: {
        const value = digitsAt(text, colon + 1, next);
        if (value < 0 || (lengths > 0 && value !== contentLength))
          return { ok: false, reason: "a Content-Length that is not one number" };
        contentLength = value;
        lengths++;
        break;
      }
      case Header.Connection: {
        const options = connectionOptions(text, colon + 1, next);
        says |= options;
        // An Upgrade the instance offers (426, h2c) is about this hop too.
        if (options & (Says.Names | Says.Upgrade))
          connection += `,${text.slice(colon + 1, next).toLowerCase()}`;
        drop = true;
        break;
      }
      case Header.TransferEncoding:
        codings = joined(codings, valueAt(text, colon, next));
        break;
      case Header.KeepAlive:
      case Header.ProxyConnection:
        drop = true;
        break;
    }
    at = next + 2;
  }
  const close = http10 ? (says & Says.KeepAlive) === 0 : (says & Says.Close) !== 0;
  // Interim answers (100 Continue, 103 Early Hints) and 101 pass as they are.
  if (status < 200) return { ok: true, head: { status, body: NONE, close, rewritten: null } };
  let body: ResponseBody;
  if (head || status === 204 || status === 304) body = NONE;
  else if (codings !== null) body = lastCoding(codings) === "chunked" ? CHUNKED : UNTIL_CLOSE;
  else if (lengths > 0)
    body = contentLength === 0 ? NONE : { kind: "length", length: contentLength };
  else body = UNTIL_CLOSE;
  // Both framings: Transfer-Encoding wins, and Content-Length must not reach the client
  // (RFC 9112 §6.3), or it could read the body another way than we do.
  const both = codings !== null && lengths > 0;
  const rewritten = drop || both ? withoutHopByHop(text.split("\r\n"), connection, both) : null;
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
