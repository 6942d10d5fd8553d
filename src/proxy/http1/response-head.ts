/**
 * A response head from an instance as the front reads it: the status, how the body is
 * framed (RFC 9112 §6.3), whether the instance closes the connection afterwards, and the
 * head for the client — the same bytes unless it had hop-by-hop headers (Connection,
 * Keep-Alive and what Connection names), which are about the hop to the instance. The
 * framing headers stay: the body passes through as the instance framed it. Pure: no IO.
 */
import { contentLength, lastCoding } from "./request-head.ts";

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

const STATUS_LINE = /^HTTP\/1\.[01] \d{3}(?: [^\r\n]*)?$/;
const DROP = new Set(["connection", "keep-alive", "proxy-connection"]);
const NONE: ResponseBody = { kind: "none" };
const CHUNKED: ResponseBody = { kind: "chunked" };
const UNTIL_CLOSE: ResponseBody = { kind: "close" };

/** `text`: the head as latin-1, up to just before the blank line; `head`: the request was HEAD. */
export function parseResponseHead(text: string, head: boolean): ParsedResponse {
  const lineEnd = text.indexOf("\r\n");
  const first = lineEnd === -1 ? text : text.slice(0, lineEnd);
  if (!STATUS_LINE.test(first)) return { ok: false, reason: "a malformed status line" };
  const http10 = first.charCodeAt(7) === 48;
  const status = Number(first.slice(9, 12));
  let lengthValues: string | null = null;
  let codings: string | null = null;
  let connection = "";
  let drop = false;
  let at = lineEnd === -1 ? text.length : lineEnd + 2;
  while (at < text.length) {
    let end = text.indexOf("\r\n", at);
    if (end === -1) end = text.length;
    const colon = text.indexOf(":", at);
    if (colon <= at || colon > end) return { ok: false, reason: "a malformed header line" };
    // Only names starting with c, k, p or t matter here; the others pass unread.
    const initial = text.charCodeAt(at) | 0x20;
    if (initial === 99 || initial === 107 || initial === 112 || initial === 116) {
      const name = text.slice(at, colon).trim().toLowerCase();
      if (DROP.has(name)) drop = true;
      if (name === "content-length") {
        const value = text.slice(colon + 1, end).trim();
        lengthValues = lengthValues === null ? value : `${lengthValues}, ${value}`;
      } else if (name === "transfer-encoding") {
        const value = text.slice(colon + 1, end).trim();
        codings = codings === null ? value : `${codings}, ${value}`;
      } else if (name === "connection")
        connection += `,${text.slice(colon + 1, end).toLowerCase()}`;
    }
    at = end + 2;
  }
  const close = http10
    ? !connection.includes("keep-alive")
    : /(^|,)\s*close\s*(,|$)/.test(connection);
  // Interim answers (100 Continue, 103 Early Hints) and 101 pass as they are.
  if (status < 200) return { ok: true, head: { status, body: NONE, close, rewritten: null } };
  let body: ResponseBody;
  if (head || status === 204 || status === 304) body = NONE;
  else if (codings !== null) body = lastCoding(codings) === "chunked" ? CHUNKED : UNTIL_CLOSE;
  else if (lengthValues !== null) {
    const length = contentLength(lengthValues);
    if (length < 0) return { ok: false, reason: "a Content-Length that is not one number" };
    body = length === 0 ? NONE : { kind: "length", length };
  } else body = UNTIL_CLOSE;
  const rewritten = drop ? withoutHopByHop(text.split("\r\n"), connection) : null;
  return { ok: true, head: { status, body, close: close || body.kind === "close", rewritten } };
}

function withoutHopByHop(lines: string[], connection: string): string {
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
    if (!named.has(name) || name === "content-length" || name === "transfer-encoding")
      out += `${line}\r\n`;
  }
  return `${out}\r\n`;
}
