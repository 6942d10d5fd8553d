/**
 * A request head as the front reads it (RFC 9112): the request line, the framing of its
 * body, and the head to send on — to an instance (hop-by-hop headers dropped, X-Forwarded-*
 * added, as net/http/httputil.ReverseProxy does) or to the proxy's own server (everything
 * kept, plus the client's address). Strict where a lenient reading would let a request be
 * framed one way here and another way by the instance (request smuggling): two framings,
 * two different lengths, a header name with spaces, a bare CR or LF, a folded line are all
 * `400`. Pure: no IO.
 */
import {
  connectionOptions,
  contentLength,
  crlfAt,
  Header,
  hashStep,
  headerAt,
  joined,
  lastCoding,
  Says,
  valueAt,
  valueIs,
} from "./head-text.ts";

export type BodyFraming =
  | { readonly kind: "none" }
  | { readonly kind: "length"; readonly length: number }
  | { readonly kind: "chunked" };

export interface RequestHead {
  readonly method: string;
  /** Origin-form (`/path?q`), or `*` for `OPTIONS *`; an absolute-form target becomes its path. */
  readonly target: string;
  readonly body: BodyFraming;
  /** An `Upgrade` request (websockets): the proxy's own server bridges those. */
  readonly upgrade: boolean;
  /** The client ends the connection after this exchange (Connection: close, HTTP/1.0). */
  readonly close: boolean;
  /**
   * An HTTP/1.0 request that asks to keep the connection (`Connection: keep-alive`): its
   * answer must say keep-alive back, and the instance is asked the same for its hop.
   */
  readonly keepAlive10: boolean;
  /** A browser loading a page into a tab or frame (see live/inject.ts). */
  readonly document: boolean;
  /** The request line, as sent on. */
  readonly line: string;
  /** The Host the app sees (from the absolute-form target when there is one). */
  readonly host: string | null;
  /** Header lines for an instance, each ending in CRLF: hop-by-hop ones and X-Forwarded-* left out. */
  readonly kept: string;
  /** The head as received (without its blank line): for the proxy's own server. */
  readonly raw: string;
  /** X-Forwarded-For / -Proto / -Host as the client sent them (joined), or null. */
  readonly forwardedFor: string | null;
  readonly forwardedProto: string | null;
  readonly forwardedHost: string | null;
}

export type ParsedRequest =
  | { readonly ok: true; readonly head: RequestHead }
  | { readonly ok: false; readonly status: 400 | 501; readonly reason: string };

/** Carries the client's address to the proxy's own server; never accepted from a client. */
export const PEER_HEADER = "x-hotreload-peer";

const REQUEST_LINE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+ \S+ HTTP\/1\.[01]$/;
const PEER_LINE = /\r\nx-hotreload-peer[ \t]*:/i;
const PEER_LINES = /\r\nx-hotreload-peer[ \t]*:[^\r]*/gi;

/** Never dropped for being named in Connection: the framing, and the tokens that are not names. */
const KEEP_FRAMING = new Set([
  "",
  "close",
  "keep-alive",
  "upgrade",
  "content-length",
  "transfer-encoding",
  "host",
]);

const NO_BODY: BodyFraming = { kind: "none" };
const CHUNKED: BodyFraming = { kind: "chunked" };

const bad = (reason: string): ParsedRequest => ({ ok: false, status: 400, reason });

/** `http://host:port/p?q` → [host:port, /p?q]; null when it is not absolute-form. */
function splitAbsolute(target: string): [string, string] | null {
  if (target.charCodeAt(0) === 47) return null;
  const scheme = target.slice(0, 8).toLowerCase();
  const start = scheme.startsWith("http://") ? 7 : scheme.startsWith("https://") ? 8 : -1;
  if (start === -1) return null;
  let end = start;
  while (end < target.length && target[end] !== "/" && target[end] !== "?") end++;
  // Credentials in the URI (`http://user:pw@host/`) are not part of the Host (RFC 9110 §4.2.4).
  const authority = target.slice(start, end);
  const at = authority.lastIndexOf("@");
  const rest = target.slice(end);
  return [
    at === -1 ? authority : authority.slice(at + 1),
    rest === "" ? "/" : rest.startsWith("?") ? `/${rest}` : rest,
  ];
}

/** tchar (RFC 9110 §5.6.2) by char code, lower-case letters only: names are compared lowered. */
const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
  TCHAR[c.charCodeAt(0)] = 1;
const BARE_CR_OR_LF = /\r(?!\n)|(?<!\r)\n/;

/** `text`: the head as latin-1, from the request line to just before the blank line. */
export function parseRequestHead(text: string): ParsedRequest {
  const lineEnd = crlfAt(text, 0);
  const first = lineEnd === -1 ? text : text.slice(0, lineEnd);
  // The header lines are checked for these as they are read.
  if (BARE_CR_OR_LF.test(first)) return bad("a bare CR or LF in the head");
  if (!REQUEST_LINE.test(first)) return bad("a malformed request line");
  const space = first.indexOf(" ");
  const method = first.slice(0, space);
  let target = first.slice(space + 1, first.length - 9);
  const http10 = first.charCodeAt(first.length - 1) === 48;
  if (method === "CONNECT") return bad("CONNECT is not supported: this is not a forward proxy");
  const absolute = splitAbsolute(target);
  if (absolute) target = absolute[1];
  else if (!(target.startsWith("/") || (target === "*" && method === "OPTIONS")))
    return bad("a request target that is not a path");

  /** Header lines kept so far, up to `span`: the lines from there on are kept as they come. */
  let kept = "";
  let span = lineEnd === -1 ? text.length : lineEnd + 2;
  let host: string | null = null;
  let hosts = 0;
  let lengthValues: string | null = null;
  let codings: string | null = null;
  let says = 0;
  /** Connection values that name other headers (",a, b"), lower-case. */
  let connection = "";
  let upgrade = false;
  let fetchDest: boolean | null = null;
  let acceptsHtml = false;
  let htmx = false;
  let forwardedFor: string | null = null;
  let forwardedProto: string | null = null;
  let forwardedHost: string | null = null;
  let at = span;
  let index = 1;
  const length = text.length;
  while (at < length) {
    index++;
    // A name of token characters up to the colon, then the value up to CRLF, with no CR or
    // LF on its own.
    let colon = at;
    let hash = 0;
    for (; colon < length; colon++) {
      const code = text.charCodeAt(colon);
      if (code === 58 || code > 127 || TCHAR[code] === 0) break;
      hash = hashStep(hash, code);
    }
    if (colon === at || colon === length || text.charCodeAt(colon) !== 58)
      return bad(`a malformed header line (${index} of the head)`);
    let end = text.indexOf("\r", colon);
    const lf = text.indexOf("\n", colon);
    if (end === -1 ? lf !== -1 : lf !== end + 1) return bad("a bare CR or LF in the head");
    if (end === -1) end = length;
    let drop = false;
    switch (headerAt(text, at, colon, hash)) {
      case Header.Other:
        break;
      case Header.Host:
        hosts++;
        host = valueAt(text, colon, end);
        drop = absolute !== null;
        break;
      case Header.ContentLength:
        lengthValues = joined(lengthValues, valueAt(text, colon, end));
        break;
      case Header.TransferEncoding:
        codings = joined(codings, valueAt(text, colon, end));
        break;
      case Header.Connection: {
        const options = connectionOptions(text, colon + 1, end);
        says |= options;
        if (options & Says.Names) connection += `,${valueAt(text, colon, end).toLowerCase()}`;
        drop = true;
        break;
      }
      case Header.Upgrade:
        upgrade = true;
        drop = true;
        break;
      case Header.SecFetchDest:
        fetchDest ||=
          valueIs(text, colon + 1, end, "document") || valueIs(text, colon + 1, end, "iframe");
        break;
      case Header.Accept:
        acceptsHtml ||= valueAt(text, colon, end).includes("text/html");
        break;
      case Header.HxRequest:
        htmx = true;
        break;
      case Header.XForwardedFor:
        forwardedFor = joined(forwardedFor, valueAt(text, colon, end));
        drop = true;
        break;
      case Header.XForwardedProto:
        forwardedProto ??= valueAt(text, colon, end);
        drop = true;
        break;
      case Header.XForwardedHost:
        forwardedHost ??= valueAt(text, colon, end);
        drop = true;
        break;
      default:
        // The other hop-by-hop headers, and PEER_HEADER.
        drop = true;
    }
    if (drop) {
      kept += text.slice(span, at);
      span = end + 2;
    }
    at = end + 2;
  }
  // The lines after the last one left out, as one slice.
  let lines = span < text.length ? `${kept}${text.slice(span)}\r\n` : kept;
  if (hosts > 1) return bad("more than one Host header");
  if (hosts === 0 && !http10) return bad("an HTTP/1.1 request without Host");
  if (absolute) {
    host = absolute[0];
    lines = `Host: ${host}\r\n${lines}`;
  }
  let body: BodyFraming = NO_BODY;
  if (codings !== null) {
    if (lengthValues !== null) return bad("both Transfer-Encoding and Content-Length");
    if (lastCoding(codings) !== "chunked")
      return { ok: false, status: 501, reason: "a Transfer-Encoding that does not end in chunked" };
    body = CHUNKED;
  } else if (lengthValues !== null) {
    const length = contentLength(lengthValues);
    if (length < 0) return bad("a Content-Length that is not one number");
    if (length > 0) body = { kind: "length", length };
  }
  if (connection !== "") lines = dropNamed(lines, connection);
  const close = http10 ? (says & Says.KeepAlive) === 0 : (says & Says.Close) !== 0;
  const document = (method === "GET" || method === "HEAD") && (fetchDest ?? (!htmx && acceptsHtml));
  return {
    ok: true,
    head: {
      method,
      target,
      body,
      upgrade,
      close,
      keepAlive10: http10 && !close,
      document,
      line: absolute ? `${method} ${target} HTTP/1.${http10 ? 0 : 1}` : first,
      host,
      kept: lines,
      raw: text,
      forwardedFor,
      forwardedProto,
      forwardedHost,
    },
  };
}

/** Lines of `kept` whose header name `connection` (",a, b") lists, removed. */
function dropNamed(kept: string, connection: string): string {
  const named = new Set<string>();
  for (const token of connection.split(",")) {
    const name = token.trim();
    if (!KEEP_FRAMING.has(name)) named.add(name);
  }
  if (named.size === 0) return kept;
  let out = "";
  for (const line of kept.split("\r\n")) {
    if (line === "") continue;
    const name = line.slice(0, line.indexOf(":")).toLowerCase();
    if (!named.has(name)) out += `${line}\r\n`;
  }
  return out;
}

/** The head sent to an instance, blank line included. */
export function instanceHead(head: RequestHead, clientIp: string, proto: "http" | "https"): string {
  const forwardedFor = head.forwardedFor ? `${head.forwardedFor}, ${clientIp}` : clientIp;
  // Connection is about each hop; a 1.0 instance closes after each answer unless asked.
  const keepAlive = head.keepAlive10 ? "Connection: keep-alive\r\n" : "";
  let out = `${head.line}\r\n${head.kept}${keepAlive}X-Forwarded-For: ${forwardedFor}\r\nX-Forwarded-Proto: ${head.forwardedProto ?? proto}\r\n`;
  const forwardedHost = head.forwardedHost ?? head.host;
  if (forwardedHost !== null) out += `X-Forwarded-Host: ${forwardedHost}\r\n`;
  return `${out}\r\n`;
}

/**
 * The head sent to the proxy's own server: as the client sent it (Bun.serve reads the
 * rest), without any PEER_HEADER a client made up, plus who the client is.
 */
export function ownServerHead(head: RequestHead, peer: string): string {
  let raw = head.raw;
  if (PEER_LINE.test(raw)) raw = raw.replace(PEER_LINES, "");
  return `${raw}\r\n${PEER_HEADER}: ${peer}\r\n\r\n`;
}
