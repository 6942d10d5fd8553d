/**
 * Starts the dashboard for a resolved configuration. On the default port, one that is
 * taken (by the app, another hotreload, anything) is no error: the next free port is
 * used and its URL printed. A port the user chose is used or reported as taken.
 */
import type { ResolvedConfig } from "../config/schema.ts";
import { DEFAULT_DASHBOARD_PORT } from "../config/schema.ts";
import type { EngineCommand } from "../dashboard/protocol.ts";
import type { Dashboard } from "../dashboard/server.ts";
import { settingsFrom } from "../engine/loop.ts";
import type { Result } from "../errors.ts";
import type { EventBus } from "../events/bus.ts";
import type { Logger } from "../log.ts";

/** How many ports after the default are tried before giving up. */
export const DEFAULT_PORT_ATTEMPTS = 20;

export interface DashboardStartOptions {
  config: ResolvedConfig;
  bus: EventBus;
  log: Logger;
  onCommand(command: EngineCommand, service?: string): void;
  /** With `services:`: the run's services in start order, for one history each. */
  services?: readonly { name: string; config: ResolvedConfig }[];
  /** The configuration as it is now (live edits), for what the page shows on connect. */
  current?: () => ResolvedConfig;
}

export async function openDashboard(options: DashboardStartOptions): Promise<Result<Dashboard>> {
  const { config, bus, log } = options;
  // Loaded only when wanted: the server and its embedded page cost memory otherwise.
  const { startDashboard } = await import("../dashboard/server.ts");
  // As the engine decides it: a new server is probed with a health check, or behind the
  // proxy before traffic is switched to it; otherwise nothing is "checking".
  const probedBy = (c: ResolvedConfig) => {
    const engine = settingsFrom(c);
    return engine.hasHealthCheck || engine.swap !== null;
  };
  const probed = probedBy(config);
  const services = options.services?.map((s) => ({
    name: s.name,
    healthCheck: probedBy(s.config),
  }));
  const wanted = config.dashboard.port;
  const attempts = wanted === DEFAULT_DASHBOARD_PORT ? DEFAULT_PORT_ATTEMPTS : 1;
  let result: Result<Dashboard> | null = null;
  for (let i = 0; i < attempts && wanted + i <= 65_535; i++) {
    result = await startDashboard({
      host: config.dashboard.host,
      port: wanted + i,
      allowedHosts: config.dashboard.allowed_hosts,
      bus,
      config: shownConfig(options.current ?? (() => config)),
      onCommand: options.onCommand,
      log,
      healthCheck: probed,
      ...(services ? { services } : {}),
      editor: { template: config.editor_url, root: config.root },
    });
    if (result.ok || result.error.code !== "dashboard.port-in-use") break;
    log.debug(`dashboard: port ${wanted + i} is taken; trying ${wanted + i + 1}`);
  }
  if (result?.ok && result.value.port !== wanted)
    bus.emit({
      type: "notice",
      level: "info",
      tag: "dashboard",
      message: `port ${wanted} is taken; the dashboard uses ${result.value.port}`,
    });
  return result as Result<Dashboard>;
}

/** What the page shows, read when a page connects: a live config edit shows up there. */
function shownConfig(now: () => ResolvedConfig): Record<string, unknown> {
  return {
    get root() {
      return now().root;
    },
    get build() {
      return now().build;
    },
    get exec() {
      return now().exec;
    },
    get debounce() {
      return now().debounce;
    },
    get ext() {
      return now().ext;
    },
    get health() {
      return now().health_check.url;
    },
  };
}
