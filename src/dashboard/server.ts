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
import { commandResult } from "./command-result.ts";
import { cookieName } from "./cookie.ts";
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

/**
 * Bun closes an HTTP connection that sends nothing for this long (a body that trickles in);
 * set explicitly, because without it Bun prints its own unprefixed warning to stderr.
 */
export const IDLE_TIMEOUT_SECONDS = 10;
/** A websocket that answers no ping for this long is closed (Bun's limit is 960). */
export const WEBSOCKET_IDLE_SECONDS = 120;

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
  /** `service`: the one it is for (with `services:`); absent: every service. */
  onCommand(command: EngineCommand, service?: string): void;
  log: Logger;
  token?: string;
  /** Log lines kept for pages that connect later (default 5000). */
  logCapacity?: number;
  /** Websocket clients at once (default 64); more get 503. */
  maxClients?: number;
  clock?: Clock;
  /** Slow-client policy (clients.ts); tests make it small. */
  backpressure?: { highWaterBytes?: number; hopelessBytes?: number; hopelessMs?: number };
  /** A health check is configured (without one, a new server is not "checking"). */
  healthCheck?: boolean;
  /** With `services:`: the run's services in start order, each with whether it is probed. */
  services?: readonly { name: string; healthCheck: boolean }[];
  /** `editor_url` and the project root, for `file:line:col` links in build errors. */
  editor?: { template: string; root: string };
  /** HTTP idle timeout in seconds (default IDLE_TIMEOUT_SECONDS). */
  idleTimeoutSeconds?: number;
}

export interface Dashboard {
  /** Includes `?token=`: print it once, never log it elsewhere. */
  url: string;
  port: number;
  close(): Promise<void>;
}

type SocketData = Record<string, never>;
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
  const run = { pid: process.pid, startedAt: Date.now() };
  const store = createDashboardStore({
    logCapacity: o.logCapacity ?? 5000,
    config: o.config,
    run,
    healthCheck: o.healthCheck,
    services: o.services,
    editor: o.editor,
  });
  /** The services the events concern, for the histories that go with them. */
  const touched = (events: readonly Event[]) => {
    const names = new Set<string>();
    for (const e of events) if (e.type !== "log" && e.service !== undefined) names.add(e.service);
    return names.size > 0 ? { services: store.servicesNamed(names) } : {};
  };
  const hub = createClientHub<Socket>({
    clock,
    log: o.log,
    ...o.backpressure,
    gapMessage: (dropped) => {
      const services = store.services();
      const message: ServerMessage = {
        type: "gap",
        dropped,
        state: store.view(),
        ...(services.length > 0 ? { services } : {}),
      };
      return JSON.stringify(message);
    },
  });
  const batcher = createBatcher<Event>({
    clock,
    deliver(events) {
      if (hub.size() === 0) return;
      // Pages take the reduced history from the server instead of reducing events themselves.
      const state = events.some((e) => e.type !== "log") ? store.view() : undefined;
      const services = state ? touched(events) : {};
      const message: ServerMessage =
        events.length === 1
          ? { type: "event", event: events[0]!, state, ...services }
          : { type: "batch", events, state, ...services };
      hub.broadcast(JSON.stringify(message), events.length);
    },
  });

  /** Events emitted while a command runs: the engine's answer to it (command-result.ts). */
  let answer: Event[] | null = null;

  function runCommand(command: PageCommand, service?: string): CommandOutcome {
    if (service !== undefined && !store.hasService(service)) {
      const names = store.services().map((s) => s.name);
      return {
        ok: false,
        invalid: true,
        message:
          names.length > 0
            ? `unknown service "${service}"; expected one of ${names.join(", ")}`
            : `no service "${service}": this run has no services`,
      };
    }
    if (command === "clear") {
      batcher.flush();
      store.clearLogs();
      hub.broadcast(JSON.stringify({ type: "cleared" } satisfies ServerMessage), 1);
      // Said in the log (after the clear) and the terminal, like every action from here.
      o.bus.emit({ type: "command.requested", command, source: "dashboard" });
      return { ok: true, result: commandResult(command, []) };
    }
    answer = [];
    try {
      if (service === undefined) o.onCommand(command);
      else o.onCommand(command, service);
      return { ok: true, ...commandResults(command, answer, service) };
    } catch (error) {
      o.log.error(`the engine refused the dashboard command "${command}": ${String(error)}`);
      return { ok: false, message: `command "${command}" failed: ${String(error)}` };
    } finally {
      answer = null;
    }
  }

  /** The answer as one line, and with `services:` per service ("api: build #3 started"). */
  function commandResults(command: PageCommand, events: readonly Event[], service?: string) {
    const names = service !== undefined ? [service] : store.services().map((s) => s.name);
    if (names.length === 0) return { result: commandResult(command, events) };
    const results: Record<string, string> = {};
    for (const name of names) {
      results[name] = commandResult(
        command,
        events.filter((e) => e.service === name),
      );
    }
    const result =
      service !== undefined
        ? (results[service] as string)
        : names.map((name) => `${name}: ${results[name]}`).join("; ");
    return { result, results };
  }

  let hosts = new Set<string>();
  let origins = new Set<string>();
  let server: Bun.Server<SocketData>;
  let cookie = cookieName(o.port);
  try {
    server = Bun.serve<SocketData>({
      hostname: host,
      port: o.port,
      maxRequestBodySize: 64 * 1024,
      idleTimeout: o.idleTimeoutSeconds ?? IDLE_TIMEOUT_SECONDS,
      fetch: createRequestHandler({
        get hosts() {
          return hosts;
        },
        get origins() {
          return origins;
        },
        allowed: allowed.value,
        token,
        get cookieName() {
          return cookie;
        },
        assets: pageAssets(),
        log: o.log,
        snapshot: () => store.snapshot(Date.now()),
        logs: (end, limit) => store.logs(end, limit),
        status: () => ({ clients: hub.size(), maxClients, run }),
        command: runCommand,
        upgrade: (req) => {
          if (hub.size() >= maxClients) return "full";
          return server.upgrade(req, { data: {} }) ? "upgraded" : "failed";
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
        idleTimeout: WEBSOCKET_IDLE_SECONDS,
        sendPings: true,
        open(ws) {
          // Flush first: whatever is queued is already in the snapshot.
          batcher.flush();
          send(ws, store.snapshot(Date.now()));
          hub.add(ws);
        },
        message(ws, data) {
          const parsed = parseCommand(data);
          if (!parsed.ok) return send(ws, { type: "error", message: parsed.message });
          const { command, service } = parsed;
          const outcome = runCommand(command, service);
          // The events the command caused go out first, so the page sees them before the ack.
          batcher.flush();
          send(
            ws,
            outcome.ok
              ? {
                  type: "ack",
                  command,
                  ...(service !== undefined ? { service } : {}),
                  result: outcome.result,
                  ...(outcome.results ? { results: outcome.results } : {}),
                }
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
  cookie = cookieName(port);
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
    answer?.push(event);
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
