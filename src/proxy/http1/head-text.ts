/**
 * Reading a head's text (request or answer, as latin-1): the header names the front reads
 * or drops, recognised where they stand without cutting them out or lower-casing them (on
 * a browser's head of fifteen lines and more, `slice(...).toLowerCase()` per line was most
 * of the time spent reading it), what Connection says, where lines end, and the framing
 * values. Pure.
 */

/** A header the front knows, by code; `Other` passes unread. */
export const Header = {
  Other: 0,
  Host: 1,
  ContentLength: 2,
  TransferEncoding: 3,
  Connection: 4,
  Upgrade: 5,
  KeepAlive: 6,
  ProxyConnection: 7,
  ProxyAuthorization: 8,
  ProxyAuthenticate: 9,
  Te: 10,
  SecFetchDest: 11,
  Accept: 12,
  HxRequest: 13,
  XForwardedFor: 14,
  XForwardedProto: 15,
  XForwardedHost: 16,
  /** PEER_HEADER (request-head.ts): never accepted from a client. */
  Peer: 17,
} as const;

/**
 * Whether `text` at `at` holds `name` (lower-case), in any case. `| 0x20` lowers A–Z and
 * leaves `-` and digits as they are; the other characters it changes cannot be in a name
 * that already passed as a token and are not in any of these names.
 */
function holds(text: string, at: number, name: string): boolean {
  for (let i = 0; i < name.length; i++)
    if ((text.charCodeAt(at + i) | 0x20) !== name.charCodeAt(i)) return false;
  return true;
}

/** One lower-cased character more of a name's hash (see `nameHash`). */
export const hashStep = (hash: number, code: number) => (Math.imul(hash, 31) + (code | 0x20)) | 0;

/**
 * The hash of `text[from, to)` as `headerAt` wants it. The parsers build it inline instead,
 * in the loop that already checks each character of a name.
 */
export function nameHash(text: string, from = 0, to = text.length): number {
  let hash = 0;
  for (let i = from; i < to; i++) hash = hashStep(hash, text.charCodeAt(i));
  return hash;
}

const NAMES: [string, number][] = [
  ["host", Header.Host],
  ["content-length", Header.ContentLength],
  ["transfer-encoding", Header.TransferEncoding],
  ["connection", Header.Connection],
  ["upgrade", Header.Upgrade],
  ["keep-alive", Header.KeepAlive],
  ["proxy-connection", Header.ProxyConnection],
  ["proxy-authorization", Header.ProxyAuthorization],
  ["proxy-authenticate", Header.ProxyAuthenticate],
  ["te", Header.Te],
  ["sec-fetch-dest", Header.SecFetchDest],
  ["accept", Header.Accept],
  ["hx-request", Header.HxRequest],
  ["x-forwarded-for", Header.XForwardedFor],
  ["x-forwarded-proto", Header.XForwardedProto],
  ["x-forwarded-host", Header.XForwardedHost],
  ["x-hotreload-peer", Header.Peer],
];
const BY_HASH = new Map<number, [string, number]>();
for (const entry of NAMES) {
  const hash = nameHash(entry[0]);
  if (BY_HASH.has(hash)) throw new Error(`head-text: ${entry[0]} shares a hash`);
  BY_HASH.set(hash, entry);
}

/**
 * The header named by `text[at, colon)`, whose `hashStep` hash the caller built while it
 * checked the name's characters: one map lookup per line, a comparison only on a match.
 */
export function headerAt(text: string, at: number, colon: number, hash: number): number {
  const known = BY_HASH.get(hash);
  if (known === undefined || known[0].length !== colon - at || !holds(text, at, known[0]))
    return Header.Other;
  return known[1];
}

/** The value of the header line `text[.., end)` whose colon is at `colon`, trimmed. */
export const valueAt = (text: string, colon: number, end: number) =>
  text.slice(colon + 1, end).trim();

/** Repeated lines of one header, as one list (RFC 9110 §5.3). */
export const joined = (before: string | null, value: string) =>
  before === null ? value : `${before}, ${value}`;

/** `text[from, to)` equals `word` (lower-case) in any case, spaces and tabs around allowed. */
export function valueIs(text: string, from: number, to: number, word: string): boolean {
  let a = from;
  let b = to;
  while (a < b && (text.charCodeAt(a) === 32 || text.charCodeAt(a) === 9)) a++;
  while (b > a && (text.charCodeAt(b - 1) === 32 || text.charCodeAt(b - 1) === 9)) b--;
  return b - a === word.length && holds(text, a, word);
}

/** What a Connection value says (RFC 9110 §7.6.1), as bits. */
export const Says = {
  Close: 1,
  KeepAlive: 2,
  Upgrade: 4,
  /** It names other headers: those are about this hop too, and go with it. */
  Names: 8,
} as const;

/** The options of the Connection value `text[from, to)`, as `Says` bits. */
export function connectionOptions(text: string, from: number, to: number): number {
  let says = 0;
  let start = from;
  while (start < to) {
    let comma = start;
    while (comma < to && text.charCodeAt(comma) !== 44) comma++;
    if (valueIs(text, start, comma, "close")) says |= Says.Close;
    else if (valueIs(text, start, comma, "keep-alive")) says |= Says.KeepAlive;
    else if (valueIs(text, start, comma, "upgrade")) says |= Says.Upgrade;
    else if (!valueIs(text, start, comma, "")) says |= Says.Names;
    start = comma + 1;
  }
  return says;
}

/**
 * Where the next CRLF in `text` starts, from `from` on; -1 if none. `indexOf("\r")` is
 * JSC's fast single-character search; `indexOf("\r\n")` costs ten times more.
 */
export function crlfAt(text: string, from: number): number {
  let at = text.indexOf("\r", from);
  while (at !== -1 && text.charCodeAt(at + 1) !== 10) at = text.indexOf("\r", at + 1);
  return at;
}

const DIGITS = /^\d{1,15}$/;

/** The last transfer coding of a Transfer-Encoding value, lower-case. */
export function lastCoding(value: string): string {
  const comma = value.lastIndexOf(",");
  return (comma === -1 ? value : value.slice(comma + 1)).trim().toLowerCase();
}

/** Content-Length values (`5`, `5, 5`) → the length, or -1 when they are not one number. */
export function contentLength(values: string): number {
  let length = -1;
  for (const part of values.split(",")) {
    const value = part.trim();
    if (!DIGITS.test(value)) return -1;
    const n = Number(value);
    if (length !== -1 && n !== length) return -1;
    length = n;
  }
  return length;
}
