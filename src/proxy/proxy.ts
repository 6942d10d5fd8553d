/**
 * The proxy stage: hotreload's public listener. It knows nothing of builds; the engine's
 * loop drives it with three calls and reads one answer back.
 *
 *   const proxy = await createProxy({ host, port, allowedHosts, log, holdMax, holdTimeoutMs });
 *   proxy.route({ id, port })   // new requests go to this instance, atomically
 *   proxy.route(null)           // no instance can serve now
 *   proxy.setStatus({ kind: "building", hold: true })   // what to say meanwhile
 *   await proxy.drain(oldId, drainTimeoutMs)            // → { finished, cut, websockets }
 *   proxy.live({ type: "reload" })                      // live reload (live/messages.ts)
 *   await proxy.close()
 *
 * - route(target): every request that starts afterwards (and every held one, in arrival
 *   order) goes to 127.0.0.1:target.port. Exchanges already running stay where they are.
 * - setStatus(s): while no instance is routed, `s.hold` makes requests wait (at most
 *   holdMax at once, each at most holdTimeoutMs); otherwise, or past those bounds, a
 *   browser navigation gets the status page and anything else 503 + Retry-After + one
 *   line. setStatus with hold false answers everything held at once. Before the first
 *   setStatus the status is "starting" and requests are held.
 * - drain(id, ms): resolves when every exchange still on instance `id` (responses and
 *   streams included) has finished, or at `ms`, cutting the rest; then closes the
 *   instance's websockets with 1012 and forgets it. Call it after route() moved away.
 * - live(m): with `liveReload`, HTML pages get /__hotreload/client.js (live/inject.ts) and
 *   every open page gets `m`; the last overlay is kept for pages that connect later, and a
 *   reload clears it.
 *
 * Two listeners. The public one is the front (http1/front.ts): raw HTTP/1.1 that passes
 * an ordinary request straight to the routed instance, counting bytes only to know where
 * each exchange ends. Everything else it relays to the proxy's own server, a Bun.serve on
 * a loopback port: /__hotreload/, websocket upgrades (bridged frame by frame, so a drain
 * can close them with 1012), requests while nothing is routed (held, or the status page),
 * and, with live reload, page navigations (the script is injected). The own server learns
 * the client's address from the front (PEER_HEADER, with a per-run token). An absolute-form
 * target (`GET http://other/ HTTP/1.1`) is served as its path by our own instance, with
 * the Host it names (RFC 9112 §3.2.2), never forwarded to another host; CONNECT is a 400.
 * See docs/PROXY.md.
 */
import type { Server } from "bun";
import { type Clock, createSystemClock } from "../clock.ts";
import { parseAllowedHosts } from "../dashboard/allowed-hosts.ts";
import { allowedHosts, checkHost, hostForUrl } from "../dashboard/guards.ts";
import { hotreloadError, type Result } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { ClientInfo } from "./forward-headers.ts";
import { forwardHttp, type Target } from "./forward-http.ts";
import { createHoldQueue } from "./hold-queue.ts";
import { createHotreloadPaths, HOTRELOAD_PREFIX, type StatusSnapshot } from "./hotreload-paths.ts";
import { createFront, type Front } from "./http1/front.ts";
import { PEER_HEADER } from "./http1/request-head.ts";
import { createInstanceTraffic, type DrainResult } from "./instance-traffic.ts";
import { liveClientScript } from "./live/client-script.ts";
import type { LiveMessage, Overlay } from "./live/messages.ts";
import { type NoServeCause, type ProxyStatus, statusAnswer } from "./serve-status.ts";
import { instanceLabel } from "./upstream-failure.ts";
import {
  type BridgeData,
  bridgeHandlers,
  isWebSocketUpgrade,
  openUpstream,
} from "./websocket-bridge.ts";

export type { Target } from "./forward-http.ts";
export type { DrainResult } from "./instance-traffic.ts";
export type { ProxyStatus, StatusKind } from "./serve-status.ts";

export interface ProxyOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** `dashboard.allowed_hosts`-style extra names for /__hotreload/ and the status detail. */
  allowedHosts: readonly string[];
  log: Logger;
  holdMax: number;
  holdTimeoutMs: number;
  /** Named on the status page and in 503 reasons (default "the app"). */
  appName?: string;
  clock?: Clock;
  /** Inject the live-reload client into HTML pages and serve its events. */
  liveReload?: boolean;
}

export interface AppProxy {
  /** `http://host:port` of the public listener. */
  readonly url: string;
  readonly port: number;
  /** New requests go to this instance (atomic switch). null: no instance can serve now. */
  route(target: Target | null): void;
  /** What to tell clients while nothing can serve, and whether to hold requests meanwhile. */
  setStatus(status: ProxyStatus): void;
  /** See the module header. */
  drain(id: number, timeoutMs: number): Promise<DrainResult>;
  /** Tells every open page (live reload on; otherwise nothing happens). */
  live(message: LiveMessage): void;
  /** Stops listening; held requests get 503, open connections are closed. */
  close(): Promise<void>;
}

/** Paths the own server answers (HOTRELOAD_PREFIX without its slash: `/__hotreload` too). */
const OWN_PATHS = HOTRELOAD_PREFIX.slice(0, -1);

const bad = (status: number, line: string) =>
  new Response(`hotreload proxy: ${line}\n`, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  });

export async function createProxy(o: ProxyOptions): Promise<Result<AppProxy>> {
  const parsedHosts = parseAllowedHosts(o.allowedHosts);
  if (!parsedHosts.ok) return parsedHosts;
  const extra = parsedHosts.value;
  const app = o.appName ?? "the app";
  const clock = o.clock ?? createSystemClock();
  const traffic = createInstanceTraffic(clock);
  const hold = createHoldQueue<Target>({ max: o.holdMax, timeoutMs: o.holdTimeoutMs, clock });
  let target: Target | null = null;
  let status: ProxyStatus = { kind: "starting", hold: true };
  let version = 1;
  let hosts = new Set<string>();
  let server: Server<BridgeData> | null = null;
  const snapshot = (): StatusSnapshot => ({
    version,
    ready: target !== null,
    held: hold.size,
    status,
  });
  const keepOpen = (req: Request) => server?.timeout(req, 0);
  // Proves that PEER_HEADER comes from our front, not from a client of the own server's port.
  const peerToken = crypto.randomUUID();
  const peerOf = (req: Request, srv: Server<BridgeData>): string => {
    const value = req.headers.get(PEER_HEADER);
    if (value?.startsWith(`${peerToken} `)) return value.slice(peerToken.length + 1);
    return srv.requestIP(req)?.address ?? "";
  };
  // Pages compare it on reconnect: another value means hotreload restarted meanwhile.
  const run = crypto.randomUUID().slice(0, 8);
  let overlay: Overlay | null = null;
  const paths = createHotreloadPaths({
    hosts: () => hosts,
    extraHosts: extra,
    snapshot,
    keepOpen,
    log: o.log,
    live: o.liveReload
      ? { clientJs: liveClientScript(), hello: () => ({ run, ready: target !== null, overlay }) }
      : undefined,
  });

  /** Upstream failures already said at warn, by instance and reason (forgotten on drain). */
  const reported = new Set<string>();
  const reportFailure = (key: string, message: string) => {
    if (reported.has(key)) return o.log.debug(message);
    reported.add(key);
    o.log.warn(`${message} (further ones from this instance at debug level)`);
  };

  function changed() {
    version++;
    paths.publish(snapshot());
  }

  function nothingCanServe(req: Request, cause: NoServeCause): Response {
    const showDetail = checkHost(req, hosts, extra).ok;
    return statusAnswer(req, { status, version, app, cause, showDetail });
  }

  function handle(req: Request, srv: Server<BridgeData>): Response | Promise<Response | undefined> {
    if (req.method === "CONNECT")
      return bad(400, "CONNECT is not supported: this is not a forward proxy");
    const path = req.url.slice(req.url.indexOf("/", req.url.indexOf("//") + 2));
    if (path.startsWith(HOTRELOAD_PREFIX)) return paths.handle(req, path);
    // The common case stays synchronous up to the forward: no await before fetch.
    if (target) return dispatch(req, srv, target);
    if (!status.hold) return nothingCanServe(req, "not-held");
    return hold.wait(req.signal).then((held) => {
      if (held.ok) return dispatch(req, srv, held.target);
      return nothingCanServe(
        req,
        held.why === "full" ? "hold-full" : held.why === "timeout" ? "hold-timeout" : "not-held",
      );
    });
  }

  function dispatch(
    req: Request,
    srv: Server<BridgeData>,
    to: Target,
  ): Promise<Response | undefined> {
    const client: ClientInfo = { ip: peerOf(req, srv), proto: "http" };
    if (isWebSocketUpgrade(req)) return upgrade(req, srv, to, client);
    return forwardHttp(req, to, {
      client,
      exchange: traffic.begin(to.id),
      log: o.log,
      live: o.liveReload === true,
      reportFailure,
      keepOpen: () => keepOpen(req),
    });
  }

  async function upgrade(req: Request, srv: Server<BridgeData>, to: Target, client: ClientInfo) {
    const opened = await openUpstream(req, to, client);
    if (!opened.ok) return bad(502, `websocket to ${instanceLabel(to)}: ${opened.reason}`);
    const protocol = opened.data.upstream.protocol;
    const headers = protocol ? { "Sec-WebSocket-Protocol": protocol } : undefined;
    if (srv.upgrade(req, { data: opened.data, headers })) return undefined;
    opened.data.upstream.close(1001, "client upgrade failed");
    return bad(400, "websocket upgrade failed");
  }

  let front: Front;
  try {
    server = Bun.serve<BridgeData>({
      hostname: "127.0.0.1",
      port: 0,
      // Idle keep-alive connections; streamed answers lift it (server.timeout(req, 0)).
      idleTimeout: 120,
      // Bodies stream to the instance, which decides what is too large (Bun's default: 128 MB).
      maxRequestBodySize: Number.MAX_SAFE_INTEGER,
      fetch: handle,
      websocket: { ...bridgeHandlers(traffic, o.log), idleTimeout: 0, sendPings: false },
      error(error) {
        o.log.warn(`proxy: ${error.message}`);
        return bad(502, error.message.split("\n")[0] ?? "internal error");
      },
    });
    const ownPort = server.port as number;
    front = createFront({
      host: o.host,
      port: o.port,
      ownPort,
      peerToken,
      traffic,
      reportFailure,
      log: o.log,
      choose(head) {
        if (target === null || head.upgrade || head.target.startsWith(OWN_PATHS)) return null;
        if (o.liveReload && head.document) return null;
        return target;
      },
    });
  } catch (error) {
    await server?.stop(true);
    const code = (error as { code?: unknown })?.code;
    const inUse = code === "EADDRINUSE" || /in use/i.test(String(error));
    return {
      ok: false,
      error: hotreloadError(
        inUse ? "proxy.port-in-use" : "runtime.io",
        `The proxy cannot listen on ${hostForUrl(o.host)}:${o.port}: ${inUse ? "the port is in use" : String(error)}`,
        inUse
          ? "Pick another `proxy.port` (or `--proxy PORT`), or stop what listens there."
          : undefined,
      ),
    };
  }
  const listening = server;
  const port = front.port;
  hosts = allowedHosts(o.host, port);

  return {
    ok: true,
    value: {
      url: `http://${hostForUrl(o.host)}:${port}`,
      port,
      route(next) {
        if (next && !(Number.isInteger(next.port) && next.port > 0 && next.port < 65_536))
          throw new RangeError(`proxy.route: port ${next.port} is not a TCP port`);
        target = next;
        changed();
        if (next) hold.release(next);
      },
      setStatus(next) {
        status = next;
        changed();
        if (!next.hold && target === null) hold.releaseWithoutRoute();
      },
      async drain(id, timeoutMs) {
        const result = await traffic.drain(id, timeoutMs);
        for (const key of reported) if (key.startsWith(`${id} `)) reported.delete(key);
        return result;
      },
      live(message) {
        if (!o.liveReload) return;
        if (message.type === "overlay") overlay = message.overlay;
        if (message.type === "reload") overlay = null;
        paths.live(message);
      },
      async close() {
        hold.releaseWithoutRoute();
        paths.close();
        front.stop();
        await listening.stop(true);
      },
    },
  };
}
