/**
 * The dashboard's HTTP surface: the embedded page, the websocket upgrade, GET /api/snapshot,
 * /api/logs and /api/status, and POST /api/command. Every route passes the Host allow-list
 * first; the API and the websocket add Fetch Metadata, Origin and token checks (guards.ts).
 * Opening the page with this run's `?token=` stores the token in an HttpOnly cookie, which
 * the page's websocket and API calls then carry; a cookie this run refuses is deleted.
 */
import type { Logger } from "../log.ts";
import type { AllowedHost } from "./allowed-hosts.ts";
import type { Asset } from "./assets.ts";
import { clearTokenCookie, tokenCookie } from "./cookie.ts";
import {
  checkFetchMetadata,
  checkHost,
  checkOrigin,
  checkToken,
  hasStaleCookie,
  securityHeaders,
  tokensEqual,
  type Verdict,
} from "./guards.ts";
import type { LogEvent } from "./log-ring.ts";
import { MAX_INBOUND_BYTES, type PageCommand, parseCommand, type Snapshot } from "./protocol.ts";

export type CommandOutcome =
  | { ok: true; result: string; results?: Record<string, string> }
  /** `invalid`: the request named something this run does not have (400, not 500). */
  | { ok: false; message: string; invalid?: boolean };

export interface RouteContext {
  hosts: Set<string>;
  origins: Set<string>;
  /** `dashboard.allowed_hosts`: more Host and Origin values accepted (allowed-hosts.ts). */
  allowed: readonly AllowedHost[];
  token: string;
  /** The cookie that carries the token for the page (named after the dashboard's port). */
  cookieName: string;
  assets: Map<string, Asset>;
  log: Logger;
  snapshot(): Snapshot;
  logs(end: number, limit: number): { from: number; lines: LogEvent[] };
  status(): { clients: number; maxClients: number; run: { pid: number; startedAt: number } };
  command(command: PageCommand, service?: string): CommandOutcome;
  /** Tries the websocket upgrade; "full" when the client limit is reached. */
  upgrade(req: Request): "upgraded" | "failed" | "full";
}

type Handler = (req: Request) => Response | undefined | Promise<Response | undefined>;

export function createRequestHandler(ctx: RouteContext): Handler {
  function reply(status: number, body: string, host: string, type: string, extra?: HeadersInit) {
    const headers = securityHeaders(host, type);
    for (const [key, value] of new Headers(extra)) headers.set(key, value);
    return new Response(body, { status, headers });
  }
  function json(status: number, value: unknown, host: string, extra?: HeadersInit): Response {
    return reply(status, JSON.stringify(value), host, "application/json; charset=utf-8", extra);
  }
  function refuse(req: Request, url: URL, host: string, verdict: Verdict): Response | null {
    if (verdict.ok) return null;
    // The path only: the query may hold a token, which must never reach a log.
    ctx.log.debug(`refused ${req.method} ${url.pathname.slice(0, 200)}: ${verdict.reason}`);
    // A token this run does not know (another run's) is deleted from the browser.
    const stale = verdict.status === 401 && hasStaleCookie(req, ctx.cookieName, ctx.token);
    return json(
      verdict.status,
      { error: verdict.reason },
      host,
      stale ? { "Set-Cookie": clearTokenCookie(ctx.cookieName) } : undefined,
    );
  }
  const token = (req: Request, url: URL) => checkToken(req, url, ctx.token, ctx.cookieName);
  /** Fetch Metadata, Origin when one is sent (non-browser clients send none), token. */
  function readable(req: Request, url: URL, host: string): Response | null {
    return (
      refuse(req, url, host, checkFetchMetadata(req, "api")) ??
      (req.headers.has("origin")
        ? refuse(req, url, host, checkOrigin(req, ctx.origins, ctx.allowed))
        : null) ??
      refuse(req, url, host, token(req, url))
    );
  }

  async function command(req: Request, url: URL, host: string): Promise<Response> {
    const denied =
      refuse(req, url, host, checkFetchMetadata(req, "api")) ??
      refuse(req, url, host, checkOrigin(req, ctx.origins, ctx.allowed)) ??
      refuse(req, url, host, token(req, url));
    if (denied) return denied;
    const type = req.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
    if (type !== "application/json") {
      return json(415, { error: "Content-Type must be application/json" }, host);
    }
    const length = Number(req.headers.get("content-length") ?? "0");
    if (length > MAX_INBOUND_BYTES) return json(413, { error: "body too large" }, host);
    const parsed = parseCommand(await req.text(), false);
    if (!parsed.ok) return json(400, { error: parsed.message }, host);
    const { command, service } = parsed;
    const outcome = ctx.command(command, service);
    if (!outcome.ok) {
      return json(outcome.invalid ? 400 : 500, { error: outcome.message }, host);
    }
    const { ok: _ok, ...answer } = outcome;
    return json(200, { ok: true, command, ...(service ? { service } : {}), ...answer }, host);
  }

  function websocket(req: Request, url: URL, host: string): Response | undefined {
    const denied =
      refuse(req, url, host, checkFetchMetadata(req, "api")) ??
      refuse(req, url, host, checkOrigin(req, ctx.origins, ctx.allowed));
    if (denied) return denied;
    const refused = refuse(req, url, host, token(req, url));
    if (refused) return refused;
    const result = ctx.upgrade(req);
    if (result === "upgraded") return undefined;
    if (result === "full") {
      const limit = ctx.status().maxClients;
      return json(503, { error: `too many dashboard clients (${limit})` }, host, {
        "Retry-After": "5",
      });
    }
    return json(400, { error: "expected a websocket upgrade" }, host);
  }

  return (req) => {
    const hostVerdict = checkHost(req, ctx.hosts, ctx.allowed);
    if (!hostVerdict.ok) {
      ctx.log.debug(`refused ${req.method} request: ${hostVerdict.reason}`);
      // A refused Host must not be echoed into our CSP header.
      return json(403, { error: hostVerdict.reason }, "localhost");
    }
    const host = req.headers.get("host")!.toLowerCase();
    const url = new URL(req.url);
    const path = url.pathname;
    const get = req.method === "GET" || req.method === "HEAD";
    if (path === "/ws") {
      return req.method === "GET" ? websocket(req, url, host) : methodNotAllowed(host, "GET");
    }
    if (path === "/api/command") {
      return req.method === "POST" ? command(req, url, host) : methodNotAllowed(host, "POST");
    }
    if (path === "/api/snapshot" || path === "/api/logs" || path === "/api/status") {
      if (!get) return methodNotAllowed(host, "GET");
      const denied = readable(req, url, host);
      if (denied) return denied;
      if (path === "/api/snapshot") return json(200, ctx.snapshot(), host);
      if (path === "/api/status") return json(200, ctx.status(), host);
      const end = wholeNumber(url.searchParams.get("end")) ?? Number.MAX_SAFE_INTEGER;
      const limit = wholeNumber(url.searchParams.get("limit")) ?? 1000;
      return json(200, ctx.logs(end, limit), host);
    }
    const asset = ctx.assets.get(path);
    if (!asset) return json(404, { error: "not found" }, host);
    if (!get) return methodNotAllowed(host, "GET, HEAD");
    const denied = refuse(req, url, host, checkFetchMetadata(req, "asset"));
    if (denied) return denied;
    return reply(200, req.method === "HEAD" ? "" : asset.body, host, asset.contentType, {
      ...(asset.contentType.startsWith("text/html") ? pageCookie(req, url) : {}),
      // The state icons hold no secret: cached, the tab can still show "disconnected".
      ...(path.startsWith("/favicon-") ? { "Cache-Control": "private, max-age=86400" } : {}),
    });
  };

  /**
   * The page opened with this run's token: keep it in the cookie (the page then drops it from
   * the address bar). Opened with another token while holding a cookie: delete the cookie,
   * so a rejected token is never kept.
   */
  function pageCookie(req: Request, url: URL): Record<string, string> {
    const given = url.searchParams.get("token");
    if (given !== null && tokensEqual(given, ctx.token)) {
      return { "Set-Cookie": tokenCookie(ctx.cookieName, ctx.token) };
    }
    return hasStaleCookie(req, ctx.cookieName, ctx.token)
      ? { "Set-Cookie": clearTokenCookie(ctx.cookieName) }
      : {};
  }

  function methodNotAllowed(host: string, allow: string): Response {
    return reply(405, JSON.stringify({ error: "method not allowed" }), host, "application/json", {
      Allow: allow,
    });
  }
}

function wholeNumber(text: string | null): number | null {
  if (text === null || !/^\d{1,15}$/.test(text)) return null;
  return Number(text);
}
