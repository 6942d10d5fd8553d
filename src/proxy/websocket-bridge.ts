/**
 * Websockets through the proxy: the upgrade is first opened on the instance (same path,
 * headers and subprotocols), and only then is the client's upgrade accepted, with the
 * subprotocol the instance chose. From then on frames pass both ways as they come: text,
 * binary, ping, pong, and close codes; whichever side is slower pauses reading from the
 * other until it catches up. A socket belongs to the instance it was opened on;
 * draining that instance closes it towards the client with 1012 (service restart).
 */
import type {
  WebSocket as BunWebSocket,
  ServerWebSocket,
  WebSocketHandler,
  WebSocketOptions,
} from "bun";
import type { Logger } from "../log.ts";
import { type ClientInfo, upstreamRequestHeaders } from "./forward-headers.ts";
import { pathOf, type Target } from "./forward-http.ts";
import type { InstanceTraffic } from "./instance-traffic.ts";

/** Bun's client WebSocket (headers, ping/pong); the DOM lib's type knows neither. */
const UpstreamSocket = globalThis.WebSocket as unknown as new (
  url: string,
  options: WebSocketOptions,
) => BunWebSocket;

export interface BridgeData {
  readonly upstream: BunWebSocket;
  readonly target: Target;
  /** Frames from the instance that arrived before the client's socket opened. */
  pending: Array<string | Buffer> | null;
  unregister: (() => void) | null;
}

type ClientSocket = ServerWebSocket<BridgeData>;

/** Bytes queued towards the instance before the client is paused, and resumed. */
const UPSTREAM_HIGH_WATER = 4 * 1024 * 1024;
const UPSTREAM_LOW_WATER = 1024 * 1024;

export function isWebSocketUpgrade(req: Request): boolean {
  return req.headers.get("upgrade")?.toLowerCase() === "websocket";
}

export type UpstreamOpen = { ok: true; data: BridgeData } | { ok: false; reason: string };

/** Opens the instance's side; resolves when it is open or has failed. */
export function openUpstream(
  req: Request,
  target: Target,
  client: ClientInfo,
): Promise<UpstreamOpen> {
  const headers = upstreamRequestHeaders(req.headers, client);
  for (const name of [...headers.keys()])
    if (name.startsWith("sec-websocket-")) headers.delete(name);
  const protocols = (req.headers.get("sec-websocket-protocol") ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");
  const upstream = new UpstreamSocket(`ws://127.0.0.1:${target.port}${pathOf(req.url)}`, {
    headers: Object.fromEntries(headers),
    protocols,
  });
  upstream.binaryType = "nodebuffer";
  const data: BridgeData = { upstream, target, pending: [], unregister: null };
  return new Promise((resolve) => {
    upstream.onopen = () => resolve({ ok: true, data });
    upstream.onerror = (event) =>
      resolve({ ok: false, reason: (event as ErrorEvent).message || "the upgrade failed" });
    upstream.onclose = (event) =>
      resolve({ ok: false, reason: `closed during the upgrade (${event.code})` });
    // Frames can come before the client's socket is open: keep them until then.
    upstream.onmessage = (event) => data.pending?.push(event.data as string | Buffer);
  });
}

/** 1005 (no code) and 1006 (abnormal) are never sent on the wire; they say how it ended. */
function closeWith(
  socket: { close(code?: number, reason?: string): void },
  code: number,
  reason: string,
) {
  if (code === 1005 || code === 1006) socket.close();
  else socket.close(code, reason);
}

export function bridgeHandlers(
  traffic: InstanceTraffic,
  log: Logger,
): WebSocketHandler<BridgeData> {
  return {
    open(ws: ClientSocket) {
      const { upstream, target } = ws.data;
      if (upstream.readyState !== WebSocket.OPEN) {
        ws.close(1011, "the instance closed the websocket");
        return;
      }
      ws.data.unregister = traffic.addSocket(target.id, () => {
        ws.close(1012, "service restart");
        upstream.close(1001, "instance drained");
      });
      for (const frame of ws.data.pending ?? []) ws.send(frame);
      ws.data.pending = null;
      // A client slower than the instance: stop reading from the instance (TCP
      // backpressure towards it) until the client's buffer drains, instead of buffering
      // without bound or, past Bun's backpressure limit, dropping frames.
      upstream.onmessage = (event) => {
        if (ws.send(event.data as string | Buffer) === -1) upstream.pause();
      };
      upstream.addEventListener("ping", (event: MessageEvent) => ws.ping(event.data as Buffer));
      upstream.addEventListener("pong", (event: MessageEvent) => ws.pong(event.data as Buffer));
      upstream.onclose = (event) => {
        if (event.code === 1006) ws.terminate();
        else closeWith(ws, event.code, event.reason);
      };
      upstream.onerror = (event) =>
        log.debug(`proxy: websocket on instance ${target.id}: ${(event as ErrorEvent).message}`);
    },
    drain(ws) {
      if (ws.data.upstream.isPaused) ws.data.upstream.resume();
    },
    message(ws, message) {
      const { upstream } = ws.data;
      upstream.send(message);
      // An instance slower than the client: stop reading from the client until the
      // instance has taken what is queued. Bun's client socket has no drain event, so the
      // queue is looked at every few milliseconds, only while paused.
      if (upstream.bufferedAmount > UPSTREAM_HIGH_WATER && !ws.isPaused) {
        ws.pause();
        const check = () => {
          if (ws.readyState !== WebSocket.OPEN || upstream.readyState !== WebSocket.OPEN) return;
          if (upstream.bufferedAmount > UPSTREAM_LOW_WATER) setTimeout(check, 5);
          else ws.resume();
        };
        setTimeout(check, 5);
      }
    },
    ping(ws, data) {
      ws.data.upstream.ping(data);
    },
    pong(ws, data) {
      ws.data.upstream.pong(data);
    },
    close(ws, code, reason) {
      ws.data.unregister?.();
      const { upstream } = ws.data;
      if (upstream.readyState === WebSocket.OPEN || upstream.readyState === WebSocket.CONNECTING)
        closeWith(upstream, code, reason);
    },
  };
}
