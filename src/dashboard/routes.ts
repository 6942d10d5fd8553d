/**
 * The dashboard's HTTP surface: the embedded page, the websocket upgrade, GET /api/snapshot
 * and POST /api/command. Every route passes the Host allow-list first; the API and the
 * websocket add Fetch Metadata, Origin and token checks (guards.ts).
 */
import type { Logger } from "../log.ts";
import type { AllowedHost } from "./allowed-hosts.ts";
import type { Asset } from "./assets.ts";
import {
  checkFetchMetadata,
  checkHost,
  checkOrigin,
  checkToken,
  requestToken,
  securityHeaders,
  type Verdict,
} from "./guards.ts";
import { MAX_INBOUND_BYTES, type PageCommand, parseCommand, type Snapshot } from "./protocol.ts";

export type CommandOutcome = { ok: true } | { ok: false; message: string };

export interface RouteContext {
  hosts: Set<string>;
  origins: Set<string>;
  /** `dashboard.allowed_hosts`: more Host and Origin values accepted (allowed-hosts.ts). */
  allowed: readonly AllowedHost[];
  token: string;
  assets: Map<string, Asset>;
  log: Logger;
  snapshot(): Snapshot;
  command(command: PageCommand): CommandOutcome;
  /** True when `given` is the previous run's token and its hand-over window is open. */
  handover(given: string): boolean;
  /**
   * Tries the websocket upgrade; "full" when the client limit is reached. `handover` marks
   * a socket opened with the previous run's token: it gets the new token and no actions.
   */
  upgrade(req: Request, handover: boolean): "upgraded" | "failed" | "full";
}

type Handler = (req: Request) => Response | undefined | Promise<Response | undefined>;

export function createRequestHandler(ctx: RouteContext): Handler {
  function reply(status: number, body: string, host: string, type: string, extra?: HeadersInit) {
    const headers = securityHeaders(host, type);
    for (const [key, value] of new Headers(extra)) headers.set(key, value);
    return new Response(body, { status, headers });
  }
  function json(status: number, value: unknown, host: string): Response {
    return reply(status, JSON.stringify(value), host, "application/json; charset=utf-8");
  }
  function refuse(req: Request, url: URL, host: string, verdict: Verdict): Response | null {
    if (verdict.ok) return null;
    // The path only: the query may hold a token, which must never reach a log.
    ctx.log.debug(`refused ${req.method} ${url.pathname.slice(0, 200)}: ${verdict.reason}`);
    return json(verdict.status, { error: verdict.reason }, host);
  }

  async function command(req: Request, url: URL, host: string): Promise<Response> {
    const denied =
      refuse(req, url, host, checkFetchMetadata(req, "api")) ??
      refuse(req, url, host, checkOrigin(req, ctx.origins, ctx.allowed)) ??
      refuse(req, url, host, checkToken(req, url, ctx.token));
    if (denied) return denied;
    const type = req.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
    if (type !== "application/json") {
      return json(415, { error: "Content-Type must be application/json" }, host);
    }
    const length = Number(req.headers.get("content-length") ?? "0");
    if (length > MAX_INBOUND_BYTES) return json(413, { error: "body too large" }, host);
    const parsed = parseCommand(await req.text(), false);
    if (!parsed.ok) return json(400, { error: parsed.message }, host);
    const outcome = ctx.command(parsed.command);
    return outcome.ok
      ? json(200, { ok: true, command: parsed.command }, host)
      : json(500, { error: outcome.message }, host);
  }

  function websocket(req: Request, url: URL, host: string): Response | undefined {
    const denied =
      refuse(req, url, host, checkFetchMetadata(req, "api")) ??
      refuse(req, url, host, checkOrigin(req, ctx.origins, ctx.allowed));
    if (denied) return denied;
    const token = checkToken(req, url, ctx.token);
    const given = token.ok ? null : requestToken(req, url);
    const handover = given !== null && ctx.handover(given);
    if (!token.ok && !handover) return refuse(req, url, host, token) ?? undefined;
    if (handover) ctx.log.debug("websocket opened with the previous run's token (hand-over)");
    const result = ctx.upgrade(req, handover);
    if (result === "upgraded") return undefined;
    if (result === "full") return json(503, { error: "too many dashboard clients" }, host);
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
    if (path === "/api/snapshot") {
      if (!get) return methodNotAllowed(host, "GET");
      const denied =
        refuse(req, url, host, checkFetchMetadata(req, "api")) ??
        (req.headers.has("origin")
          ? refuse(req, url, host, checkOrigin(req, ctx.origins, ctx.allowed))
          : null) ??
        refuse(req, url, host, checkToken(req, url, ctx.token));
      return denied ?? json(200, ctx.snapshot(), host);
    }
    const asset = ctx.assets.get(path);
    if (!asset) return json(404, { error: "not found" }, host);
    if (!get) return methodNotAllowed(host, "GET, HEAD");
    const denied = refuse(req, url, host, checkFetchMetadata(req, "asset"));
    if (denied) return denied;
    return reply(200, req.method === "HEAD" ? "" : asset.body, host, asset.contentType);
  };

  function methodNotAllowed(host: string, allow: string): Response {
    return reply(405, JSON.stringify({ error: "method not allowed" }), host, "application/json", {
      Allow: allow,
    });
  }
}
