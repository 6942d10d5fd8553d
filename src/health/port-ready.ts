/**
 * Readiness without a health check: the instance's port accepts a TCP connection. Tries
 * at once, then after 10, 20, 40 ms… up to every 100 ms (the probe's quick retries), until
 * it connects or `signal` aborts. A refused loopback connection costs next to nothing, so
 * a server that binds 30 ms after start is seen ready about 30 ms after start.
 */
import { connect } from "node:net";
import { type Clock, createSystemClock } from "../clock.ts";
import { QUICK_RETRY_MAX_MS, QUICK_RETRY_MS } from "./probe.ts";

export type PortReady =
  | { ok: true; attempts: number; ms: number }
  | { ok: false; attempts: number };

export async function waitForPort(
  port: number,
  signal: AbortSignal,
  options: { host?: string; clock?: Clock } = {},
): Promise<PortReady> {
  const clock = options.clock ?? createSystemClock();
  const host = options.host ?? "127.0.0.1";
  const started = clock.now();
  let step = QUICK_RETRY_MS;
  for (let attempts = 1; ; attempts++) {
    if (signal.aborted) return { ok: false, attempts: attempts - 1 };
    if (await accepts(host, port, signal))
      return { ok: true, attempts, ms: Math.round(clock.now() - started) };
    if (!(await pause(step, clock, signal))) return { ok: false, attempts };
    step = Math.min(step * 2, QUICK_RETRY_MAX_MS);
  }
}

function accepts(host: string, port: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      signal.removeEventListener("abort", onAbort);
      socket.destroy();
      resolve(ok);
    };
    const onAbort = () => done(false);
    socket.once("connect", () => done(true));
    // Refused or reset: not listening yet; the caller tries again.
    socket.once("error", () => done(false));
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

function pause(ms: number, clock: Clock, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const onAbort = () => {
      clock.clearTimeout(timer);
      resolve(false);
    };
    const timer = clock.setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
