/**
 * hotreload's proxy in front of the server, composed for `run`: start the public listener,
 * give the engine loop what it needs (ports, readiness, routing, draining), and keep the
 * proxy's "nothing can serve" answer in step with what the engine reports on the bus.
 */
import type { ResolvedConfig } from "../config/schema.ts";
import type { InstanceProxyOptions } from "../engine/instances.ts";
import type { Result } from "../errors.ts";
import type { EventBus } from "../events/bus.ts";
import type { Event } from "../events/types.ts";
import { waitForPort } from "../health/port-ready.ts";
import type { Logger } from "../log.ts";
import { pickFreePort } from "../proxy/free-port.ts";
import { type AppProxy, createProxy, type ProxyStatus } from "../proxy/proxy.ts";
import { browserReload, followLive } from "./live-wiring.ts";

export interface ProxyWiring {
  readonly url: string;
  readonly engine: InstanceProxyOptions;
  /** The engine's reloadBrowsers effect: open pages reload (or swap stylesheets when `css`). */
  reloadBrowsers(paths: readonly string[], css: boolean): void;
  close(): Promise<void>;
}

export async function startProxy(
  config: ResolvedConfig,
  bus: EventBus,
  log: Logger,
): Promise<Result<ProxyWiring>> {
  const { proxy: settings, health_check: health } = config;
  const started = await createProxy({
    host: settings.host,
    port: settings.port ?? 0,
    allowedHosts: config.dashboard.allowed_hosts,
    log,
    holdMax: settings.hold_max,
    holdTimeoutMs: settings.hold_timeout,
    appName: appName(config.root),
    liveReload: config.live_reload.enabled,
  });
  if (!started.ok) return started;
  const proxy = started.value;
  const unsubscribe = bus.subscribe(followStatus(proxy, settings.hold_timeout));
  const unsubscribeLive = config.live_reload.enabled
    ? bus.subscribe(followLive(proxy, { editorUrl: config.editor_url, root: config.root }))
    : () => {};
  // Without a health check an instance is ready once its port accepts a connection, within
  // the time the health check would have had.
  const readyWithinMs = health.timeout * health.max_retries;
  return {
    ok: true,
    value: {
      url: proxy.url,
      engine: {
        control: proxy,
        drainTimeoutMs: settings.drain_timeout,
        portEnv: settings.app_port_env,
        pickPort: () => pickFreePort(),
        waitForPort: async (port, signal) => {
          const deadline = AbortSignal.any([signal, AbortSignal.timeout(readyWithinMs)]);
          const r = await waitForPort(port, deadline);
          if (r.ok) return { ok: true, ms: r.ms };
          return {
            ok: false,
            error: `nothing accepted connections on port ${port} within ${readyWithinMs / 1000}s (is the server listening on $${settings.app_port_env}?)`,
          };
        },
      },
      reloadBrowsers: (paths, css) => browserReload(proxy, paths, css),
      async close() {
        unsubscribe();
        unsubscribeLive();
        await proxy.close();
      },
    },
  };
}

/**
 * What the proxy says while no instance can serve, from the engine's events: hold requests
 * while something is on its way (a build, a start, a short backoff), answer at once when
 * only the user can change things (a failed build, a stop, a clean exit).
 */
export function followStatus(proxy: Pick<AppProxy, "setStatus">, holdTimeoutMs: number) {
  let failure: readonly string[] = [];
  const set = (status: ProxyStatus) => proxy.setStatus(status);
  return (event: Event) => {
    switch (event.type) {
      case "build.finished":
        failure = event.ok ? [] : event.tail;
        if (!event.ok) set({ kind: "build-failed", detail: failure, hold: false });
        return;
      case "hook.finished":
        // A rule's failing command (a generator) stops its batch like a failed build.
        if (event.ok || event.hook !== "run") return;
        failure = event.tail;
        set({ kind: "build-failed", detail: failure, hold: false });
        return;
      case "crash.backoff":
        set({
          kind: "backoff",
          retryInMs: event.delayMs,
          hold: event.delayMs < holdTimeoutMs,
        });
        return;
      case "swap.failed":
        if (!event.previousServing) set({ kind: "crashed", detail: [event.reason], hold: false });
        return;
      case "phase":
        switch (event.phase) {
          case "building":
            return set({ kind: "building", hold: true });
          case "starting":
            return set({ kind: "starting", hold: true });
          case "stopped":
            return set({ kind: "stopped", hold: false });
          case "exited":
            return set({
              kind: "stopped",
              detail: ["The server exited on its own (exit 0); hotreload waits for a change."],
              hold: false,
            });
          case "crashed":
            return set({ kind: "crashed", hold: false });
          default:
            return;
        }
    }
  };
}

function appName(root: string): string {
  return root.split(/[\\/]/).filter(Boolean).at(-1) ?? "the app";
}
