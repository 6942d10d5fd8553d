/**
 * Request guards for the dashboard, a local remote-control surface: Host allow-list (DNS
 * rebinding), exact Origin checks, Fetch Metadata (cross-site no-cors), a per-run token
 * compared in constant time, and the security headers every response carries.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { type AllowedHost, hostHeaderAllowed, originAllowed } from "./allowed-hosts.ts";
import { readCookie } from "./cookie.ts";

export type Verdict = { ok: true } | { ok: false; status: 401 | 403; reason: string };

const OK: Verdict = { ok: true };

function deny(status: 401 | 403, reason: string): Verdict {
  return { ok: false, status, reason };
}

/** Formats a host for a URL or Host header: IPv6 literals get brackets. */
export function hostForUrl(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** The Host header values we answer to: loopback names and the configured host, with the port. */
export function allowedHosts(host: string, port: number): Set<string> {
  const names = ["localhost", "127.0.0.1", "[::1]", hostForUrl(host).toLowerCase()];
  const out = new Set<string>();
  for (const name of names) {
    out.add(`${name}:${port}`);
    if (port === 80) out.add(name);
  }
  return out;
}

export function allowedOrigins(hosts: Set<string>): Set<string> {
  return new Set([...hosts].map((h) => `http://${h}`));
}

/** `extra`: the configured `dashboard.allowed_hosts` (allowed-hosts.ts), on top of the defaults. */
export function checkHost(
  req: Request,
  hosts: Set<string>,
  extra: readonly AllowedHost[] = [],
): Verdict {
  const host = req.headers.get("host")?.toLowerCase();
  if (!host) return deny(403, "missing Host header");
  return hosts.has(host) || hostHeaderAllowed(host, extra)
    ? OK
    : deny(403, `Host "${host.slice(0, 100)}" is not allowed`);
}

/**
 * Exact match; `null` (sandboxed frames, file: pages) and foreign origins are refused.
 * `extra` adds exactly `http(s)://<allowed host[:port]>` for the configured hosts.
 */
export function checkOrigin(
  req: Request,
  origins: Set<string>,
  extra: readonly AllowedHost[] = [],
): Verdict {
  const origin = req.headers.get("origin");
  if (origin === null) return deny(403, "missing Origin header");
  return origins.has(origin) || originAllowed(origin, extra)
    ? OK
    : deny(403, `Origin "${origin.slice(0, 100)}" is not allowed`);
}

/**
 * Fetch Metadata resource isolation. Pages and assets may be opened by a top-level
 * navigation from anywhere; the API and the websocket only from our own origin (or from
 * non-browser clients, which send no Sec-Fetch-* headers).
 */
export function checkFetchMetadata(req: Request, kind: "asset" | "api"): Verdict {
  const site = req.headers.get("sec-fetch-site");
  const mode = req.headers.get("sec-fetch-mode");
  if (kind === "asset") {
    if (site === "cross-site" && mode !== "navigate")
      return deny(403, "cross-site subresource request");
    return OK;
  }
  if (mode === "no-cors") return deny(403, "no-cors request to the API");
  if (site !== null && site !== "same-origin" && site !== "none") {
    return deny(403, `${site} request to the API`);
  }
  return OK;
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

/** Constant-time comparison; hashing first makes the lengths equal. */
export function tokensEqual(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** The token from `?token=`, `Authorization: Bearer`, or `X-Hotreload-Token`. */
export function requestToken(req: Request, url: URL): string | null {
  const query = url.searchParams.get("token");
  if (query !== null) return query;
  const header = req.headers.get("x-hotreload-token");
  if (header !== null) return header;
  const auth = req.headers.get("authorization");
  const match = auth === null ? null : /^Bearer\s+(\S+)$/i.exec(auth);
  return match?.[1] ?? null;
}

/** The token in the page's cookie (cookie.ts), or null. */
export function requestCookie(req: Request, name: string): string | null {
  const value = readCookie(req.headers.get("cookie"), name);
  return value === null || value === "" ? null : value;
}

/**
 * A token given explicitly (query, header) is checked alone; without one, the page's cookie.
 * `cookie` is the cookie's name; absent: cookies are not looked at.
 */
export function checkToken(req: Request, url: URL, expected: string, cookie?: string): Verdict {
  const given = requestToken(req, url) ?? (cookie ? requestCookie(req, cookie) : null);
  if (given === null) return deny(401, "missing token");
  return tokensEqual(given, expected) ? OK : deny(401, "wrong token");
}

/** True when the request carries cookie `name` with a token other than `expected`. */
export function hasStaleCookie(req: Request, name: string, expected: string): boolean {
  const value = requestCookie(req, name);
  return value !== null && !tokensEqual(value, expected);
}

/** Random per run: 32 bytes, base64url. */
export function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Buffer.from(bytes).toString("base64url");
}

/** `hostHeader` must already have passed checkHost; it names the websocket origin in the CSP. */
export function securityHeaders(hostHeader: string, contentType?: string): Headers {
  const headers = new Headers({
    "Content-Security-Policy": [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self'",
      `connect-src 'self' ws://${hostHeader}`,
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "form-action 'none'",
    ].join("; "),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
  });
  if (contentType) headers.set("Content-Type", contentType);
  return headers;
}
