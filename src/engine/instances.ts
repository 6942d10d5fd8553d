/**
 * The IO behind the engine's instance effects: spawn an instance (on its own loopback port
 * behind the proxy), stop it, probe its readiness, route the proxy to it and drain it. Each
 * result goes back to the engine as an input through `send`.
 */
import { statSync } from "node:fs";
import type { ResolvedConfig } from "../config/schema.ts";
import type { EventBus } from "../events/bus.ts";
import { rangesOf } from "../health/expect-status.ts";
import { probeHealth } from "../health/probe.ts";
import type { LoggerFactory } from "../log.ts";
import { createPidfileStore } from "../run/pidfile-store.ts";
import { killGroupNow } from "../run/process-group.ts";
import { type ChildStdin, startProcess } from "../run/runner.ts";
import type { EngineInput } from "./types.ts";

/** What the engine needs of hotreload's proxy (src/proxy/). */
export interface ProxyControl {
  /** New requests go to this instance's port; null: none can serve, hold them. */
  route(target: { id: number; port: number } | null): void;
  /** Resolves once what instance `id` serves has finished, or at the timeout. */
  drain(id: number, timeoutMs: number): Promise<unknown>;
}

export interface InstanceProxyOptions {
  control: ProxyControl;
  drainTimeoutMs: number;
  /** The variable that tells an instance its port (proxy.app_port_env). */
  portEnv: string;
  /** A free loopback port for a new instance. */
  pickPort(): Promise<number>;
  /** Readiness without a health check: resolves when the port accepts a connection. */
  waitForPort(
    port: number,
    signal: AbortSignal,
  ): Promise<{ ok: true; ms: number } | { ok: false; error: string }>;
}

export interface InstanceOptions {
  config: ResolvedConfig;
  /** The environment for the next instance, read at each start (env files change). */
  env(): Record<string, string>;
  bus: EventBus;
  logs: LoggerFactory;
  forceColor: boolean;
  stdin: "forward" | "ignore";
  pidfile?: string;
  holdOutput?: () => Promise<void> | null;
  proxy?: InstanceProxyOptions;
  send(input: EngineInput): void;
}

interface Running {
  pid: number;
  port: number | null;
  stop(): Promise<unknown>;
  stdin: ChildStdin | null;
}

export function createInstances(options: InstanceOptions) {
  const { bus, logs, proxy, send } = options;
  // Replaced by a live config edit; an instance already running keeps what it started with.
  let config = options.config;
  const log = logs.tag("engine");
  const pidfile = options.pidfile ? createPidfileStore(options.pidfile, logs.tag("run")) : null;
  const running = new Map<number, Running>();
  const probes = new Map<number, AbortController>();

  /** Instances whose port is being picked; a stop before the spawn cancels it. */
  const picking = new Map<number, { stopped: boolean }>();

  const start = (id: number) => {
    if (!proxy) return spawnOn(id, null);
    const pick = { stopped: false };
    picking.set(id, pick);
    proxy.pickPort().then(
      (port) => {
        picking.delete(id);
        if (pick.stopped) send({ type: "childExited", id, exitCode: null, signal: null });
        else spawnOn(id, port);
      },
      (error) => {
        picking.delete(id);
        log.error(`no free port for the server: ${String(error)}`);
        send({ type: "childExited", id, exitCode: null, signal: null });
      },
    );
  };

  const spawnOn = (id: number, port: number | null) => {
    const exec = config.exec ?? "";
    const command = port === null ? exec : exec.replaceAll("{port}", String(port));
    const base = options.env();
    const env = port === null ? base : { ...base, [proxy?.portEnv ?? "PORT"]: `${port}` };
    if (!isDirectory(config.root)) {
      // The root was deleted under us (the watcher stops the engine when it notices): say
      // so instead of a spawn's ENOENT for `sh`.
      log.error(`not starting \`${command}\`: ${config.root} does not exist any more`);
      send({ type: "childExited", id, exitCode: null, signal: null });
      return;
    }
    let handle: ReturnType<typeof startProcess>;
    try {
      handle = startProcess({
        command,
        cwd: config.root,
        env,
        forceColor: options.forceColor,
        stdin: options.stdin,
        log: logs.tag("run"),
        stop: { signal: config.stop.signal, timeoutMs: config.stop.timeout },
        onLine: (line, fd) => bus.emit({ type: "log", stream: "app", fd, line }),
        hold: options.holdOutput,
        statePaths: pidfile ? { pidfile, root: config.root } : undefined,
      });
    } catch (error) {
      log.error(`could not start \`${command}\`: ${String(error)}`);
      send({ type: "childExited", id, exitCode: null, signal: null });
      return;
    }
    running.set(id, { pid: handle.pid, port, stop: handle.stop, stdin: handle.stdin });
    send({ type: "childStarted", id, pid: handle.pid });
    const gone = (exitCode: number | null, signal: string | null) => {
      running.delete(id);
      send({ type: "childExited", id, exitCode, signal });
    };
    handle.exited.then(
      (r) => gone(r.exitCode, r.signal),
      (error) => {
        log.error(`lost track of the server process: ${String(error)}`);
        gone(null, null);
      },
    );
  };

  const probe = (id: number) => {
    const instance = running.get(id);
    if (!instance) return;
    const controller = new AbortController();
    probes.set(id, controller);
    const done = (input: EngineInput) => {
      if (controller.signal.aborted) return;
      probes.delete(id);
      send(input);
    };
    const url = probeUrl(config, instance.port);
    if (url === null) {
      if (!proxy || instance.port === null) return;
      void proxy
        .waitForPort(instance.port, controller.signal)
        .then((r) =>
          done(
            r.ok
              ? { type: "health", id, ok: true, attempts: 1, ms: r.ms, status: 0 }
              : { type: "health", id, ok: false, attempts: 1, error: r.error },
          ),
        );
      return;
    }
    const health = logs.tag("health");
    void probeHealth({
      url,
      timeoutMs: config.health_check.timeout,
      intervalMs: config.health_check.interval,
      maxRetries: config.health_check.max_retries,
      expectStatus: rangesOf(config.health_check.expect_status),
      signal: controller.signal,
      onAttempt: (n, error) => health.debug(`probe ${n} of ${url}${error ? `: ${error}` : ""}`),
    }).then((r) =>
      done(
        r.ok
          ? { type: "health", id, ok: true, attempts: r.attempts, ms: r.ms, status: r.status }
          : { type: "health", id, ok: false, attempts: r.attempts, error: r.error },
      ),
    );
  };

  return {
    start,
    reconfigure(next: ResolvedConfig) {
      config = next;
    },
    stop(id: number) {
      const pick = picking.get(id);
      if (pick) pick.stopped = true;
      void running.get(id)?.stop();
    },
    probe,
    cancelProbe(id: number) {
      probes.get(id)?.abort();
      probes.delete(id);
    },
    route(id: number | null) {
      const port = id === null ? null : (running.get(id)?.port ?? null);
      proxy?.control.route(id === null || port === null ? null : { id, port });
    },
    drain(id: number) {
      if (!proxy) return send({ type: "drained", id });
      void proxy.control
        .drain(id, proxy.drainTimeoutMs)
        .catch((error) => log.debug(`drain of instance ${id} ended with ${String(error)}`))
        .then(() => send({ type: "drained", id }));
    },
    stdinOf: (id: number | undefined) =>
      id === undefined ? null : (running.get(id)?.stdin ?? null),
    async stopAll() {
      for (const controller of probes.values()) controller.abort();
      await Promise.all([...running.values()].map((r) => r.stop()));
    },
    killNow() {
      for (const r of running.values()) if (r.pid > 0) killGroupNow(r.pid, log);
    },
  };
}

/**
 * The health URL for an instance. Behind the proxy the check goes to the instance's own
 * port: a bare path (`/health`) or the path of a full URL, on 127.0.0.1:<port>.
 */
export function probeUrl(config: ResolvedConfig, port: number | null): string | null {
  const url = config.health_check.enabled ? config.health_check.url : null;
  if (url === null) return null;
  if (port === null) return url;
  const path = url.startsWith("/") ? url : pathOf(url);
  return `http://127.0.0.1:${port}${path}`;
}

function pathOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    // Validated when the config was read; a URL that still fails to parse probes the root.
    return "/";
  }
}

/** True when the path is a directory now (a spawn there can find its cwd). */
export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch (error) {
    // ENOENT, ENOTDIR: not a directory, which is the answer.
    void error;
    return false;
  }
}
