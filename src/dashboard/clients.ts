/**
 * Fan-out to connected pages with backpressure. A client whose socket buffer is above the
 * high-water mark has messages dropped (counted) instead of queued, then receives one gap
 * marker when it catches up; one that stays behind too long, or buffers far too much, is
 * closed. Memory per client is therefore bounded by the high-water mark plus one message.
 */
import type { Clock } from "../clock.ts";
import type { Logger } from "../log.ts";

export interface ClientSocket {
  /** Bun: bytes sent, -1 when queued under backpressure, 0 when dropped. */
  send(data: string): number;
  getBufferedAmount(): number;
  close(code?: number, reason?: string): void;
}

export interface ClientHub<S extends ClientSocket> {
  add(ws: S): void;
  remove(ws: S): void;
  size(): number;
  /** Sends one serialised message holding `events` events to every client. */
  broadcast(message: string, events: number): void;
  /** Called when a socket drained: a client that dropped events gets its gap marker now. */
  drained(ws: S): void;
  closeAll(code: number, reason: string): void;
}

export interface ClientHubOptions {
  clock: Clock;
  log: Logger;
  /** The message telling a client how many events it missed. */
  gapMessage(dropped: number): string;
  highWaterBytes?: number;
  hopelessBytes?: number;
  hopelessMs?: number;
}

interface ClientState {
  dropped: number;
  droppingSince: number | null;
}

/** 1013 "try again later": the page reconnects and gets a fresh snapshot. */
export const CLOSE_TOO_SLOW = 1013;

export function createClientHub<S extends ClientSocket>(options: ClientHubOptions): ClientHub<S> {
  const { clock, log, gapMessage } = options;
  const highWater = options.highWaterBytes ?? 1024 * 1024;
  const hopelessBytes = options.hopelessBytes ?? 8 * 1024 * 1024;
  const hopelessMs = options.hopelessMs ?? 10_000;
  const clients = new Map<S, ClientState>();

  function drop(state: ClientState, events: number): void {
    state.dropped += events;
    state.droppingSince ??= clock.now();
  }

  function sendGap(ws: S, state: ClientState): void {
    if (state.dropped === 0) return;
    const dropped = state.dropped;
    state.dropped = 0;
    state.droppingSince = null;
    if (ws.send(gapMessage(dropped)) === 0) drop(state, dropped);
  }

  function isHopeless(state: ClientState, buffered: number): boolean {
    if (buffered > hopelessBytes) return true;
    return state.droppingSince !== null && clock.now() - state.droppingSince > hopelessMs;
  }

  return {
    add(ws) {
      clients.set(ws, { dropped: 0, droppingSince: null });
    },
    remove(ws) {
      clients.delete(ws);
    },
    size: () => clients.size,
    broadcast(message, events) {
      for (const [ws, state] of clients) {
        const buffered = ws.getBufferedAmount();
        if (isHopeless(state, buffered)) {
          log.warn(
            `closing a dashboard client that fell too far behind (${state.dropped} events dropped)`,
          );
          clients.delete(ws);
          ws.close(CLOSE_TOO_SLOW, "too slow");
          continue;
        }
        if (buffered > highWater) {
          drop(state, events);
          continue;
        }
        sendGap(ws, state);
        if (ws.send(message) === 0) drop(state, events);
      }
    },
    drained(ws) {
      const state = clients.get(ws);
      if (state && ws.getBufferedAmount() <= highWater) sendGap(ws, state);
    },
    closeAll(code, reason) {
      for (const ws of clients.keys()) ws.close(code, reason);
      clients.clear();
    },
  };
}
