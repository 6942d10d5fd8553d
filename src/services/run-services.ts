/**
 * `hotreload` with `services:`: one watcher, one engine per service, one terminal, one
 * dashboard. Composition only, like src/cli/run.ts for a single service: the graph, the
 * gate, the routing and each engine decide; this file wires them.
 */
import { existsSync } from "node:fs";
import { useColor } from "../cli/color.ts";
import { openDashboard } from "../cli/dashboard-start.ts";
import { type EnvReload, startEnvReload } from "../cli/env-reload.ts";
import { guardProcess } from "../cli/process-guard.ts";
import { type ProxyWiring, startProxy } from "../cli/proxy-wiring.ts";
import { levelFromArgs } from "../cli/shared-args.ts";
import { watchSettingsFrom } from "../cli/watch-options.ts";
import { type Clock, createSystemClock } from "../clock.ts";
import type { EngineCommand } from "../dashboard/protocol.ts";
import { fail, hotreloadError, type Result } from "../errors.ts";
import type { EventBus } from "../events/bus.ts";
import { createEventBus } from "../events/bus.ts";
import { supportsHyperlinks } from "../events/hyperlinks.ts";
import { createOutputGate } from "../events/output-gate.ts";
import { createNdjsonSink, createPrettySink } from "../events/pretty.ts";
import type { Event } from "../events/types.ts";
import { createLoggerFactory, type LoggerFactory, type LogLevel } from "../log.ts";
import { createNotifier } from "../notify/index.ts";
import { startPid1Reaper } from "../run/pid1-reaper.ts";
import { pidfilePath, reapLeftovers, stateDir } from "../run/pidfile.ts";
import { VERSION } from "../version.ts";
import { createWatchSet } from "../watch/index.ts";
import { selectServices } from "./graph.ts";
import { bindServiceKeys } from "./keys.ts";
import { prefixLines, servicePrefixes } from "./prefix-writer.ts";
import type { LoadedServices } from "./resolve.ts";
import { createRouter } from "./route.ts";
import { createSupervisor, serviceBus } from "./supervisor.ts";

export interface RunServicesOptions {
  loaded: LoadedServices;
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
  /** Starts the dashboard (the caller reports a failure and exits). */
  openDashboard(
    bus: EventBus,
    onCommand: (command: EngineCommand) => void,
  ): Promise<{ close(): Promise<void> }>;
  fail(error: ReturnType<typeof hotreloadError>): never;
}

/** The run command's side for `services:`: output, logs and the dashboard, then the run. */
export async function runServicesCommand(
  args: Record<string, unknown>,
  loaded: LoadedServices,
  wanted: readonly string[],
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
    openDashboard: async (bus, onCommand) => {
      const started = await openDashboard({
        config: top,
        bus,
        log: logs.tag("dashboard"),
        onCommand,
      });
      if (!started.ok) fail(started.error.code, started.error.message, started.error.hint);
      logs.tag("dashboard").info(started.value.url);
      return started.value;
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

  subscribeSinks(options, selected);
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
    message: `${selected.length} services, started in this order: ${selected.join(" → ")}`,
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
      guard.dispose();
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
  for (const s of services) {
    envFiles.set(
      s.name,
      startEnvReload({
        root: s.config.root,
        files: s.config.env_file,
        poll: s.config.poll,
        clock,
        bus,
        log: logs.tag("config"),
        onChanged: (changes) =>
          supervisor?.route([{ service: s.name, changes, fingerprint: null }], "restart"),
      }),
    );
  }
  supervisor = createSupervisor({
    services: loaded.services,
    graph: loaded.graph,
    selected,
    maxParallelBuilds: loaded.maxParallelBuilds,
    bus,
    logs,
    clock,
    pidfileOf: (name) => pidfiles.get(name),
    envFilesOf: (name) => envFiles.get(name)?.values,
    proxyOf: (name) => proxies.get(name)?.engine,
    loop: {
      forceColor: Boolean(process.stdout.isTTY) && options.color,
      stdin: "forward",
      notify: (kind, title, body) => notifier.notify({ kind, title: `hotreload · ${title}`, body }),
      holdOutput: gate.hold,
    },
  });
  const sup = supervisor;

  const router = createRouter(
    services.map((s) => {
      const settings = watchSettingsFrom(s.config, s.outputs);
      return {
        name: s.name,
        root: s.config.root,
        extraRoots: s.config.watch,
        ext: s.config.ext,
        ignorePatterns: s.config.ignore_patterns,
        alwaysIgnore: settings.alwaysIgnore,
      };
    }),
  );
  const stream = await createWatchSet({
    root: router.plan.root,
    extraRoots: router.plan.extraRoots,
    ext: router.plan.ext,
    ignorePatterns: [],
    alwaysIgnore: [...router.plan.alwaysIgnore, stateDir()],
    debounceMs: top.debounce,
    debounceMaxMs: top.debounce_max,
    poll: top.poll,
    followSymlinks: top.follow_symlinks,
    clock,
    bus,
    log: logs.tag("watch"),
    onBatch: (batch) => {
      const routed = router.route(batch);
      if (routed.length === 0)
        logs
          .tag("watch")
          .debug(`no service watches ${batch.changes.map((c) => c.path).join(", ")}`);
      sup.route(routed);
    },
  });

  const dashboard = top.dashboard.enabled
    ? await options.openDashboard(bus, (command) => {
        bus.emit({ type: "command.requested", command, source: "dashboard" });
        sup.command(command);
      })
    : null;

  const keys = options.interactive
    ? bindServiceKeys({ supervisor: sup, color: options.color, log: runLog })
    : null;
  const finished = (async () => {
    await sup.quitRequested;
    const code = await sup.quit();
    keys?.close();
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

/** --json: every event as it is, `service` included; else one pretty sink per service. */
function subscribeSinks(options: RunServicesOptions, selected: readonly string[]): void {
  const { bus, gate, loaded } = options;
  const stdout = gate.wrap(process.stdout, "stdout");
  const stderr = gate.wrap(process.stderr, "stderr");
  if (options.json) {
    bus.subscribe(createNdjsonSink(stdout));
    return;
  }
  const base = {
    color: options.color,
    quiet: options.quiet,
    timestamps: loaded.top.timestamps,
    debug: options.level === "debug",
    // Lines of several services interleave: no status line to erase, no clearing.
    clear: false,
    tty: false,
    keysHint: options.interactive,
    links: supportsHyperlinks(process.stderr)
      ? { cwd: loaded.top.root, exists: (path: string) => existsSync(path) }
      : null,
  };
  const runWide = createPrettySink({ ...base, out: stdout, err: stderr });
  const prefixes = servicePrefixes(selected, options.color);
  const sinks = new Map<string, (event: Event) => void>(
    selected.map((name) => {
      const prefix = prefixes.get(name) as string;
      return [
        name,
        createPrettySink({
          ...base,
          keysHint: false,
          out: prefixLines(prefix, stdout),
          err: prefixLines(prefix, stderr),
        }),
      ];
    }),
  );
  bus.subscribe((event) => {
    const sink = event.service === undefined ? runWide : sinks.get(event.service);
    sink?.(event);
  });
}
