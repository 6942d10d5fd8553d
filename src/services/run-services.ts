/**
 * `hotreload` with `services:`: one watcher, one engine per service, one terminal, one
 * dashboard. Composition only, like src/cli/run.ts for a single service: the graph, the
 * gate, the routing and each engine decide; this file wires them.
 */
import { useColor } from "../cli/color.ts";
import { openDashboard } from "../cli/dashboard-start.ts";
import { type EnvReload, startEnvReload } from "../cli/env-reload.ts";
import { likelyAppPorts, reportPortClashes } from "../cli/port-clash.ts";
import { guardProcess } from "../cli/process-guard.ts";
import { type ProxyWiring, startProxy } from "../cli/proxy-wiring.ts";
import { levelFromArgs } from "../cli/shared-args.ts";
import { type Clock, createSystemClock } from "../clock.ts";
import type { ResolvedConfig } from "../config/schema.ts";
import type { EngineCommand } from "../dashboard/protocol.ts";
import { fail, hotreloadError, type Result } from "../errors.ts";
import type { EventBus } from "../events/bus.ts";
import { createEventBus } from "../events/bus.ts";
import { createOutputGate } from "../events/output-gate.ts";
import { createLoggerFactory, type LoggerFactory, type LogLevel } from "../log.ts";
import { createNotifier } from "../notify/index.ts";
import { startPid1Reaper } from "../run/pid1-reaper.ts";
import { pidfilePath, reapLeftovers } from "../run/pidfile.ts";
import { VERSION } from "../version.ts";
import { selectServices } from "./graph.ts";
import { bindServiceKeys } from "./keys.ts";
import { startLiveServices } from "./live-services.ts";
import type { LoadedRun, LoadedServices, ResolvedService } from "./resolve.ts";
import { createSupervisor, serviceBus } from "./supervisor.ts";
import { subscribeSinks } from "./terminal-sinks.ts";
import { watchServices } from "./watcher.ts";

export interface RunServicesOptions {
  loaded: LoadedServices;
  /** Resolves the configuration again (live edits of the config file). */
  load(): Result<LoadedRun>;
  /** Services named on the command line (with their dependencies); empty: all. */
  wanted: readonly string[];
  bus: EventBus;
  clock: Clock;
  logs: LoggerFactory;
  level: LogLevel;
  color: boolean;
  json: boolean;
  quiet: boolean;
  interactive: boolean;
  gate: ReturnType<typeof createOutputGate>;
  /** Starts the dashboard and prints its URL. */
  openDashboard(
    bus: EventBus,
    onCommand: (command: EngineCommand, service?: string) => void,
    services: readonly ResolvedService[],
  ): Promise<Result<{ close(): Promise<void>; port: number }>>;
  fail(error: ReturnType<typeof hotreloadError>): never;
}

/** The run command's side for `services:`: output, logs and the dashboard, then the run. */
export async function runServicesCommand(
  args: Record<string, unknown>,
  loaded: LoadedServices,
  wanted: readonly string[],
  load: () => Result<LoadedRun>,
): Promise<number> {
  const top = loaded.top;
  const color = useColor(args.color as boolean | undefined, process.stderr);
  const levelChoice = levelFromArgs(args);
  const level: LogLevel = args.quiet && levelChoice.level === "info" ? "warn" : levelChoice.level;
  const logs = createLoggerFactory({ level, color, timestamps: top.timestamps });
  if (levelChoice.warning) logs.tag("config").warn(levelChoice.warning);
  const json = Boolean(args.json);
  return runServices({
    loaded,
    load,
    wanted,
    bus: createEventBus(),
    clock: createSystemClock(),
    logs,
    level,
    color,
    json,
    quiet: Boolean(args.quiet),
    interactive: Boolean(process.stdin.isTTY) && !json && top.keys,
    gate: createOutputGate({
      onClosed: (name, reason) => {
        if (name === "stdout")
          process.stderr.write(
            `hotreload: stdout was closed by its reader (${reason}); its output is dropped from now on\n`,
          );
      },
    }),
    openDashboard: async (bus, onCommand, services) => {
      const started = await openDashboard({
        config: top,
        bus,
        log: logs.tag("dashboard"),
        onCommand,
        services,
      });
      if (started.ok) logs.tag("dashboard").info(started.value.url);
      return started;
    },
    fail: (error) => fail(error.code, error.message, error.hint),
  });
}

/** `hotreload api worker`: those and their dependencies; an unknown name is a usage error. */
export function chooseServices(
  loaded: LoadedServices,
  wanted: readonly string[],
): Result<string[]> {
  const chosen = selectServices(loaded.graph, wanted);
  if (chosen.ok) return chosen;
  return {
    ok: false,
    error: hotreloadError(
      "flag.unknown",
      `Unknown service ${JSON.stringify(chosen.unknown)}`,
      chosen.guess
        ? `Did you mean \`${chosen.guess}\`? The services are: ${loaded.graph.names.join(", ")}.`
        : `The services are: ${loaded.graph.names.join(", ")}.`,
    ),
  };
}

export async function runServices(options: RunServicesOptions): Promise<number> {
  const { loaded, bus, clock, logs, gate } = options;
  const chosen = chooseServices(loaded, options.wanted);
  if (!chosen.ok) return options.fail(chosen.error);
  const selected = chosen.value;
  const services = loaded.services.filter((s) => selected.includes(s.name));
  const top = loaded.top;

  subscribeSinks({
    bus,
    gate,
    top,
    selected,
    json: options.json,
    color: options.color,
    quiet: options.quiet,
    debug: options.level === "debug",
    interactive: options.interactive,
  });
  bus.emit({
    type: "engine.started",
    version: VERSION,
    root: top.root,
    pid: process.pid,
    build: null,
    exec: "",
  });
  bus.emit({
    type: "notice",
    level: "info",
    tag: "services",
    message:
      selected.length === 1
        ? `1 service: ${selected[0]}`
        : `${selected.length} services, started in this order: ${selected.join(" → ")}`,
  });

  const runLog = logs.tag("run");
  const reaper = await startPid1Reaper({ log: runLog, subreaper: true });
  const guard = await guardProcess({ root: top.root, log: runLog });
  const pidfiles = new Map<string, string>();
  for (const s of services) {
    // One pidfile per service: several services may share a root.
    const path = pidfilePath(`${s.config.root}#${s.name}`);
    const reaped = await reapLeftovers(s.config.root, { log: runLog, path });
    if (reaped.kind === "reaped") runLog.warn(`${s.name}: ${reaped.message}`);
    pidfiles.set(s.name, path);
  }
  const notifier = createNotifier({ enabled: top.notifications.enabled, log: logs.tag("notify") });

  // Each service with `proxy` on gets its own public port, as a single service does.
  const proxies = new Map<string, ProxyWiring>();
  for (const s of services) {
    if (!s.config.proxy.enabled) continue;
    const started = await startProxy(s.config, serviceBus(bus, s.name), logs.tag("proxy"));
    if (!started.ok) {
      await Promise.all([...proxies.values()].map((p) => p.close()));
      notifier.close();
      guard.dispose();
      reaper.close();
      return options.fail({
        ...started.error,
        message: `services.${s.name}: ${started.error.message}`,
      });
    }
    proxies.set(s.name, started.value);
    bus.emit({
      type: "notice",
      level: "info",
      tag: "proxy",
      message: `serving on ${started.value.url} (the app gets its own port in $${s.config.proxy.app_port_env})`,
      service: s.name,
    });
  }

  let supervisor: ReturnType<typeof createSupervisor> | null = null;
  const envFiles = new Map<string, EnvReload>();
  const watchEnvFiles = (name: string, config: ResolvedConfig) => {
    envFiles.get(name)?.close();
    envFiles.set(
      name,
      startEnvReload({
        root: config.root,
        files: config.env_file,
        poll: config.poll,
        clock,
        bus,
        log: logs.tag("config"),
        onChanged: (changes) =>
          supervisor?.route([{ service: name, changes, fingerprint: null }], "restart"),
      }),
    );
  };
  for (const s of services) watchEnvFiles(s.name, s.config);
  supervisor = createSupervisor({
    services: loaded.services,
    graph: loaded.graph,
    selected,
    maxParallelBuilds: loaded.maxParallelBuilds,
    bus,
    logs,
    clock,
    pidfileOf: (name) => pidfiles.get(name),
    envFilesOf: (name) => () => envFiles.get(name)?.values() ?? {},
    proxyOf: (name) => proxies.get(name)?.engine,
    reloadBrowsersOf: (name) => proxies.get(name)?.reloadBrowsers,
    loop: {
      forceColor: Boolean(process.stdout.isTTY) && options.color,
      stdin: "forward",
      notify: (kind, title, body) => notifier.notify({ kind, title: `hotreload · ${title}`, body }),
      holdOutput: gate.hold,
    },
  });
  const sup = supervisor;

  const arm = (list: readonly ResolvedService[], run: ResolvedConfig) =>
    watchServices({
      services: list.filter((s) => selected.includes(s.name)),
      top: run,
      clock,
      bus,
      log: logs.tag("watch"),
      onRouted: (batches) => sup.route(batches),
      // As with one service: nothing starts in a directory that is gone; back, it rebuilds.
      onRootGone: () => sup.command("stop"),
      onRootBack: () => sup.command("rebuild"),
    });
  let stream = await arm(services, top);
  const live = startLiveServices({
    file: loaded.configFile,
    initial: loaded,
    selected,
    load: options.load,
    poll: top.poll,
    clock,
    bus,
    log: logs.tag("config"),
    parts: {
      reconfigure: (name, config) => sup.reconfigure(name, config),
      reloadEnvFiles: watchEnvFiles,
      rearmWatcher: async (next) => {
        await stream.close();
        stream = await arm(next.services, next.top);
      },
      act: (name, action, file) =>
        sup.route(
          [{ service: name, changes: [{ path: file, kind: "modify" }], fingerprint: null }],
          action,
        ),
    },
  });

  const opened = top.dashboard.enabled
    ? await options.openDashboard(
        bus,
        (command, service) => {
          // Said in the terminal and the dashboard's log before the engines act on it.
          bus.emit(
            service === undefined
              ? { type: "command.requested", command, source: "dashboard", all: true }
              : { type: "command.requested", command, source: "dashboard", service },
          );
          // The same path as the keys (keys.ts): one service, or every one.
          sup.command(command, service);
        },
        services,
      )
    : null;
  if (opened && !opened.ok) {
    // Nothing may keep the process alive past the error.
    live.close();
    for (const env of envFiles.values()) env.close();
    await Promise.all([stream.close(), ...[...proxies.values()].map((p) => p.close())]);
    notifier.close();
    guard.dispose();
    reaper.close();
    return options.fail(opened.error);
  }
  const dashboard = opened?.value ?? null;

  // "address already in use" from a service: say who holds the port, per service.
  const stopPortReports = services.map((s) =>
    reportPortClashes({
      bus: serviceBus(bus, s.name),
      own: () => ({
        pid: process.pid,
        root: s.config.root,
        ports: {
          dashboard: dashboard?.port ?? null,
          proxy: proxies.get(s.name) ? s.config.proxy.port : null,
        },
      }),
      likelyPorts: () => likelyAppPorts(s.config.env, s.config.health_check.url),
    }),
  );

  const keys = options.interactive
    ? bindServiceKeys({ supervisor: sup, color: options.color, log: runLog })
    : null;
  const finished = (async () => {
    await sup.quitRequested;
    const code = await sup.quit();
    keys?.close();
    for (const stop of stopPortReports) stop();
    live.close();
    await live.settled();
    for (const env of envFiles.values()) env.close();
    process.stdin.pause();
    await Promise.all([
      stream.close(),
      dashboard?.close(),
      ...[...proxies.values()].map((p) => p.close()),
    ]);
    notifier.close();
    guard.dispose();
    reaper.close();
    bus.emit({ type: "engine.stopped", code, reason: "quit" });
    return code;
  })();
  // A signal quits every service, dependents first; a second one SIGKILLs the groups.
  guard.install({
    onQuit: async (reason) => {
      if (reason.kind === "error") await sup.abort();
      sup.command("quit");
      await finished;
    },
    onForce: () => sup.killNow(),
  });
  sup.start();
  return await finished;
}
