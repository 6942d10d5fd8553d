/**
 * What is still running on each instance: in-flight HTTP exchanges (until the last byte
 * of the response left the proxy) and open websockets. `drain(id)` waits for the
 * exchanges, cuts what is left at the timeout, then closes the websockets with 1012
 * (service restart) so that clients reconnect, and forgets the instance.
 */
import { type Clock, createSystemClock } from "../clock.ts";

/** One HTTP exchange on an instance: `signal` aborts when a drain cuts it. */
export interface Exchange {
  readonly signal: AbortSignal;
  /** Idempotent. */
  end(): void;
}

export interface DrainResult {
  /** Exchanges that completed during the drain. */
  finished: number;
  /** Exchanges still running at the timeout, aborted. */
  cut: number;
  /** Websockets closed with 1012. */
  websockets: number;
}

/** How a drained websocket is closed: with 1012 towards the client. */
export type CloseSocket = () => void;

/** One running exchange as `enter` takes it: how to cut it. */
export interface Running {
  cut(): void;
}

interface Traffic {
  exchanges: Set<Running>;
  sockets: Set<CloseSocket>;
  /** Set while a drain waits; called when an exchange ends. */
  onEnd: (() => void) | null;
  draining: Promise<DrainResult> | null;
}

export interface InstanceTraffic {
  /**
   * `onCut`: called when a drain cuts the exchange (the front's raw connections); the
   * exchange's `signal` aborts then too (fetch-based forwarding). The signal is made on
   * first use, so an exchange that never reads it costs no AbortController.
   */
  begin(id: number, onCut?: () => void): Exchange;
  /**
   * The allocation-free form for the front's hot path: `running` (one object per
   * connection, reused by its exchanges) is in flight on `id` until `leave`.
   */
  enter(id: number, running: Running): void;
  leave(id: number, running: Running): void;
  /** Returns the function that unregisters the socket (when it closed by itself). */
  addSocket(id: number, close: CloseSocket): () => void;
  drain(id: number, timeoutMs: number): Promise<DrainResult>;
  /** Exchanges and websockets on `id` right now. */
  count(id: number): { exchanges: number; websockets: number };
}

export function createInstanceTraffic(clock: Clock = createSystemClock()): InstanceTraffic {
  const byId = new Map<number, Traffic>();
  const traffic = (id: number): Traffic => {
    let entry = byId.get(id);
    if (!entry) {
      entry = { exchanges: new Set(), sockets: new Set(), onEnd: null, draining: null };
      byId.set(id, entry);
    }
    return entry;
  };

  function finishDrain(id: number, entry: Traffic, finished: number): DrainResult {
    const cut = entry.exchanges.size;
    for (const running of [...entry.exchanges]) running.cut();
    const websockets = entry.sockets.size;
    for (const close of entry.sockets) close();
    if (byId.get(id) === entry) byId.delete(id);
    return { finished, cut, websockets };
  }

  return {
    begin(id, onCut) {
      const entry = traffic(id);
      let controller: AbortController | null = null;
      let cut = false;
      const running: Running = {
        cut() {
          cut = true;
          controller?.abort(new Error("drain timeout"));
          onCut?.();
        },
      };
      entry.exchanges.add(running);
      let ended = false;
      return {
        get signal() {
          if (!controller) {
            controller = new AbortController();
            if (cut) controller.abort(new Error("drain timeout"));
          }
          return controller.signal;
        },
        end() {
          if (ended) return;
          ended = true;
          if (entry.exchanges.delete(running)) entry.onEnd?.();
        },
      };
    },
    enter(id, running) {
      traffic(id).exchanges.add(running);
    },
    leave(id, running) {
      const entry = byId.get(id);
      if (entry?.exchanges.delete(running)) entry.onEnd?.();
    },
    addSocket(id, close) {
      const entry = traffic(id);
      entry.sockets.add(close);
      return () => entry.sockets.delete(close);
    },
    drain(id, timeoutMs) {
      const entry = traffic(id);
      if (entry.draining) return entry.draining;
      entry.draining = new Promise((resolve) => {
        let finished = 0;
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          clock.clearTimeout(timer);
          entry.onEnd = null;
          resolve(finishDrain(id, entry, finished));
        };
        entry.onEnd = () => {
          finished++;
          if (entry.exchanges.size === 0) finish();
        };
        const timer = clock.setTimeout(finish, Math.max(0, timeoutMs));
        if (entry.exchanges.size === 0) finish();
      });
      return entry.draining;
    },
    count(id) {
      const entry = byId.get(id);
      return { exchanges: entry?.exchanges.size ?? 0, websockets: entry?.sockets.size ?? 0 };
    },
  };
}
