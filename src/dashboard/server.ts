/**
 * The live dashboard: Bun.serve with websockets, fed by the event bus. It keeps its own
 * history (store.ts), batches log lines per frame (batcher.ts), fans out with backpressure
 * (clients.ts) and forwards page commands to the engine's inbox.
 */
import type { ServerWebSocket } from "bun";
import { type Clock, createSystemClock } from "../clock.ts";
import { hotreloadError, type Result } from "../errors.ts";
import type { EventBus } from "../events/bus.ts";
import type { Event } from "../events/types.ts";
import type { Logger } from "../log.ts";
import { parseAllowedHosts } from "./allowed-hosts.ts";
import { pageAssets } from "./assets.ts";
import { createBatcher } from "./batcher.ts";
import { createClientHub } from "./clients.ts";
import { allowedHosts, allowedOrigins, hostForUrl, isLoopback, randomToken } from "./guards.ts";
import {
  type EngineCommand,
  MAX_INBOUND_BYTES,
  type PageCommand,
  parseCommand,
  type ServerMessage,
} from "./protocol.ts";
import { type CommandOutcome, createRequestHandler } from "./routes.ts";
import { createDashboardStore } from "./store.ts";
import { createHandover, readPreviousToken, writeTokenFile } from "./token-handover.ts";

export interface DashboardOptions {
  host: string;
  port: number;
  /**
   * `dashboard.allowed_hosts`: names (or `name:port`, or `.domain` for it and its
   * subdomains) accepted in Host and Origin besides loopback with the dashboard's port.
   */
  allowedHosts?: readonly string[];
  bus: EventBus;
  config: Record<string, unknown>;
  onCommand(command: EngineCommand): void;
  log: Logger;
  token?: string;
  /** Log lines kept for pages that connect later (default 5000). */
  logCapacity?: number;
  /** Websocket clients at once (default 64); more get 503. */
  maxClients?: number;
  clock?: Clock;
  /** Slow-client policy (clients.ts); tests make it small. */
  backpressure?: { highWaterBytes?: number; hopelessBytes?: number; hopelessMs?: number };
  /**
   * Token hand-over across restarts (token-handover.ts): the file this run writes its token
   * to and reads the previous run's from; `windowMs` (default 10 min) after start the
   * previous token still opens a websocket. Without it a restart needs the new URL.
   */
  handover?: { file: string; windowMs?: number };
}

export interface Dashboard {
  /** Includes `?token=`: print it once, never log it elsewhere. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** `handover`: opened with the previous run's token; it may watch but not act. */
type SocketData = { handover: boolean };
type Socket = ServerWebSocket<SocketData>;

function send(ws: Socket, message: ServerMessage): void {
  ws.send(JSON.stringify(message));
}

export async function startDashboard(o: DashboardOptions): Promise<Result<Dashboard>> {
  const host = o.host || "127.0.0.1";
  const clock = o.clock ?? createSystemClock();
  const token = o.token ?? randomToken();
  const maxClients = o.maxClients ?? 64;
  const allowed = parseAllowedHosts(o.allowedHosts ?? []);
  if (!allowed.ok) return allowed;
  const handover = createHandover({
    previous: o.handover ? readPreviousToken(o.handover.file, o.log) : null,
    current: token,
    startedAt: clock.now(),
    windowMs: o.handover?.windowMs,
  });
  const store = createDashboardStore({
    logCapacity: o.logCapacity ?? 5000,
    config: o.config,
    run: { pid: process.pid, startedAt: Date.now() },
  });
  const hub = createClientHub<Socket>({
    clock,
    log: o.log,
    ...o.backpressure,
    gapMessage: (dropped) => JSON.stringify({ type: "gap", dropped, state: store.view() }),
  });
  const batcher = createBatcher<Event>({
    clock,
    deliver(events) {
      if (hub.size() === 0) return;
      // Pages take the reduced history from the server instead of reducing events themselves.
      const state = events.some((e) => e.type !== "log") ? store.view() : undefined;
      const message: ServerMessage =
        events.length === 1
          ? { type: "event", event: events[0]!, state }
          : { type: "batch", events, state };
      hub.broadcast(JSON.stringify(message), events.length);
    },
  });

  function runCommand(command: PageCommand): CommandOutcome {
    if (command === "clear") {
      batcher.flush();
      store.clearLogs();
      hub.broadcast(JSON.stringify({ type: "cleared" } satisfies ServerMessage), 1);
      return { ok: true };
    }
    try {
      o.onCommand(command);
      return { ok: true };
    } catch (error) {
      o.log.error(`the engine refused the dashboard command "${command}": ${String(error)}`);
      return { ok: false, message: `command "${command}" failed: ${String(error)}` };
    }
  }

  let hosts = new Set<string>();
  let origins = new Set<string>();
  let server: Bun.Server<SocketData>;
  try {
    server = Bun.serve<SocketData>({
      hostname: host,
      port: o.port,
      maxRequestBodySize: 64 * 1024,
      fetch: createRequestHandler({
        get hosts() {
          return hosts;
        },
        get origins() {
          return origins;
        },
        allowed: allowed.value,
        token,
        assets: pageAssets(),
        log: o.log,
        snapshot: () => store.snapshot(Date.now()),
        command: runCommand,
        handover: (given) => handover.accepts(given, clock.now()),
        upgrade: (req, isHandover) => {
          if (hub.size() >= maxClients) return "full";
          return server.upgrade(req, { data: { handover: isHandover } }) ? "upgraded" : "failed";
        },
      }),
      error(error) {
        o.log.error(`dashboard request failed: ${error.message}`);
        return new Response("internal error", { status: 500 });
      },
      websocket: {
        maxPayloadLength: MAX_INBOUND_BYTES,
        closeOnBackpressureLimit: true,
        backpressureLimit: 16 * 1024 * 1024,
        open(ws) {
          // Flush first: whatever is queued is already in the snapshot.
          batcher.flush();
          const snapshot = store.snapshot(Date.now());
          // The page swaps the new token into its URL and reconnects with it.
          send(ws, ws.data.handover ? { ...snapshot, token } : snapshot);
          hub.add(ws);
        },
        message(ws, data) {
          const parsed = parseCommand(data);
          if (!parsed.ok) return send(ws, { type: "error", message: parsed.message });
          if (ws.data.handover) {
            return send(ws, {
              type: "error",
              message: "this connection used the previous run's token; reconnect with the new one",
            });
          }
          const outcome = runCommand(parsed.command);
          send(
            ws,
            outcome.ok
              ? { type: "ack", command: parsed.command }
              : { type: "error", message: outcome.message },
          );
        },
        drain: (ws) => hub.drained(ws),
        close: (ws) => hub.remove(ws),
      },
    });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === "EADDRINUSE") {
      return {
        ok: false,
        error: hotreloadError(
          "dashboard.port-in-use",
          `The dashboard cannot listen on ${hostForUrl(host)}:${o.port}: port ${o.port} is already in use.`,
          "Pick a free port with --dashboard-port <port> (or dashboard.port in .hotreload.yaml), or stop what uses it.",
        ),
      };
    }
    if (code === "EADDRNOTAVAIL") {
      return {
        ok: false,
        error: hotreloadError(
          "dashboard.host-unavailable",
          `The dashboard cannot listen on ${hostForUrl(host)}:${o.port}: ${host} is not an address of this machine.`,
          "Use --dashboard-host 127.0.0.1 (the default), 0.0.0.0 for every interface, or one of this machine's addresses (`ip addr`).",
        ),
      };
    }
    return {
      ok: false,
      error: hotreloadError(
        "runtime.io",
        `The dashboard cannot listen on ${hostForUrl(host)}:${o.port}: ${String(error)}`,
      ),
    };
  }

  const port = server.port ?? o.port;
  // Written only once listening: a run that failed to start must not replace the token of
  // the one that holds the port.
  if (o.handover) {
    writeTokenFile(
      o.handover.file,
      { token, port, pid: process.pid, writtenAt: Date.now() },
      o.log,
    );
  }
  hosts = allowedHosts(host, port);
  origins = allowedOrigins(hosts);
  if (allowed.value.length > 0) {
    o.log.debug(`Host and Origin also allowed: ${(o.allowedHosts ?? []).join(", ")}`);
  }
  if (!isLoopback(host)) {
    o.log.warn(
      `the dashboard listens on ${host}, reachable from other machines; anyone with the URL can restart your server`,
    );
  }
  const unsubscribe = o.bus.subscribe((event) => {
    try {
      batcher.push(store.apply(event), event.type !== "log");
    } catch (error) {
      // Never let the dashboard break the bus (it would remove this sink for good).
      o.log.error(`dashboard could not handle a ${event.type} event: ${String(error)}`);
    }
  });
  const shownHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : hostForUrl(host);
  o.log.debug(`listening on http://${shownHost}:${port}/ (token in the URL printed at start)`);

  let closing: Promise<void> | null = null;
  return {
    ok: true,
    value: {
      url: `http://${shownHost}:${port}/?token=${token}`,
      port,
      close() {
        closing ??= (async () => {
          unsubscribe();
          batcher.close();
          hub.closeAll(1001, "dashboard closing");
          await server.stop(true);
        })();
        return closing;
      },
    },
  };
}
