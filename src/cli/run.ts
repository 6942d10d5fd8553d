/**
 * `hotreload` (run): resolve the configuration, wire the pipeline (watch → engine → sinks,
 * dashboard, notifications, keys, signals) and run until quit. Composition only; every
 * decision lives in the modules it wires.
 */
import { existsSync } from "node:fs";
import { defineCommand } from "citty";
import { createSystemClock } from "../clock.ts";
import { type Loaded, loadConfig } from "../config/load.ts";
import type { ResolvedConfig } from "../config/schema.ts";
import { createEngineLoop } from "../engine/loop.ts";
import { fail } from "../errors.ts";
import { createEventBus } from "../events/bus.ts";
import { supportsHyperlinks } from "../events/hyperlinks.ts";
import { createOutputGate } from "../events/output-gate.ts";
import { createNdjsonSink, createPrettySink } from "../events/pretty.ts";
import type { FileChange } from "../events/types.ts";
import { createLoggerFactory, type LogLevel } from "../log.ts";
import { createNotifier } from "../notify/index.ts";
import { startPid1Reaper } from "../run/pid1-reaper.ts";
import { catchStartupSignals } from "../run/shutdown.ts";
import { declaresServices, loadRun } from "../services/resolve.ts";
import { VERSION } from "../version.ts";
import { createWatchSet } from "../watch/index.ts";
import { useColor } from "./color.ts";
import { openDashboard } from "./dashboard-start.ts";
import { startEnvReload } from "./env-reload.ts";
import { configFilesToWatch, startLiveConfig } from "./live-config.ts";
import { likelyAppPorts, reportPortClashes } from "./port-clash.ts";
import { guardProcess } from "./process-guard.ts";
import { type ProxyWiring, startProxy } from "./proxy-wiring.ts";
import { configArgs, flagValues, levelFromArgs, outputArgs } from "./shared-args.ts";
import { bindTerminalKeys } from "./terminal-keys.ts";
import { watchSettingsFrom } from "./watch-options.ts";

export default defineCommand({
  meta: {
    name: "run",
    description:
      "Watch, rebuild on real changes, swap the server, keep it healthy (the default command)",
  },
  args: { ...configArgs, ...outputArgs },
  async run({ args, rawArgs }) {
    // A signal before the handlers below are installed still ends in a clean quit.
    const startup = catchStartupSignals();
    const flags = flagValues(args, rawArgs);
    const load = { cwd: process.cwd(), flags };
    const run = loadRun(load);
    // `hotreload api worker`: service names (src/services/); nothing else takes arguments.
    const wanted = (args._ ?? []).map(String);
    if (wanted.length > 0 && !declaresServices(load))
      fail(
        "flag.unknown",
        `Unexpected argument ${JSON.stringify(wanted[0])}`,
        'Commands are run, init, check; service names need `services:` in the config; quote commands with spaces: --exec "go run ."',
      );
    if (!run.ok) fail(run.error.code, run.error.message, run.error.hint, run.error.details);
    if (run.value.kind === "services") {
      // The services command installs its own handlers (src/services/).
      startup.dispose();
      const { runServicesCommand } = await import("../services/run-services.ts");
      return await runServicesCommand(args, run.value.loaded, wanted, () => loadRun(load));
    }
    const loaded = run.value.loaded;
    const { config, detection, warnings } = loaded;

    const color = useColor(args.color as boolean | undefined, process.stderr);
    const levelChoice = levelFromArgs(args);
    const level: LogLevel = args.quiet && levelChoice.level === "info" ? "warn" : levelChoice.level;
    const logs = createLoggerFactory({ level, color, timestamps: config.timestamps });
    if (levelChoice.warning) logs.tag("config").warn(levelChoice.warning);

    const bus = createEventBus();
    const clock = createSystemClock();
    // Slow readers of our output slow the app down instead of filling our memory.
    const gate = createOutputGate({
      // Said once, where it can still be read; the other stream's closing goes unsaid.
      onClosed: (name, reason) => {
        if (name === "stdout")
          process.stderr.write(
            `hotreload: stdout was closed by its reader (${reason}); its output is dropped from now on\n`,
          );
      },
    });
    // The logger writes stderr directly: a reader that went away must not end the process.
    gate.watch(process.stderr, "stderr");
    const json = Boolean(args.json);
    const interactive = Boolean(process.stdin.isTTY) && !json && config.keys;
    bus.subscribe(
      json
        ? createNdjsonSink(gate.wrap(process.stdout, "stdout"))
        : createPrettySink({
            color,
            quiet: Boolean(args.quiet),
            timestamps: config.timestamps,
            debug: level === "debug",
            clear: config.clear,
            tty: Boolean(process.stderr.isTTY),
            keysHint: interactive,
            links: supportsHyperlinks(process.stderr)
              ? { cwd: config.root, exists: (path) => existsSync(path) }
              : null,
            out: gate.wrap(process.stdout, "stdout"),
            err: gate.wrap(process.stderr, "stderr"),
          }),
    );
    if (detection && !json)
      logs
        .tag("config")
        .info(
          `detected ${detection.label}: build \`${config.build ?? "(none)"}\`, exec \`${config.exec}\` — override with --build/--exec or \`hotreload init\``,
        );
    for (const warning of warnings) logs.tag("config").warn(warning);

    bus.emit({
      type: "engine.started",
      version: VERSION,
      root: config.root,
      pid: process.pid,
      build: config.build,
      exec: config.exec ?? "",
    });
    // Subreaper (Linux): daemons the server or build double-forks re-parent to us, so
    // every stop finds them; their zombies (and a PID 1's orphans) are reaped here.
    const reaper = await startPid1Reaper({ log: logs.tag("run"), subreaper: true });
    const guard = await guardProcess({ root: config.root, log: logs.tag("run") });
    const notifier = createNotifier({
      enabled: config.notifications.enabled,
      log: logs.tag("notify"),
    });
    // What a live config edit replaces; the rest of the wiring reads these, not `config`.
    let current = loaded;
    const startEnvFiles = (c: ResolvedConfig) =>
      startEnvReload({
        root: c.root,
        files: c.env_file,
        poll: c.poll,
        clock,
        bus,
        log: logs.tag("config"),
        onChanged: (changes) => {
          bus.emit({ type: "changes", changes, fingerprint: null });
          loop.send({ type: "changes", changes, fingerprint: null, action: "restart" });
        },
      });
    let envFiles = startEnvFiles(config);
    // The proxy first: it owns the public port from the start, so a request that arrives
    // during the first build waits instead of being refused.
    let proxy: ProxyWiring | null = null;
    if (config.proxy.enabled) {
      const started = await startProxy(config, bus, logs.tag("proxy"));
      if (!started.ok) {
        guard.dispose();
        reaper.close();
        fail(started.error.code, started.error.message, started.error.hint);
      }
      proxy = started.value;
      logs
        .tag("proxy")
        .info(
          `serving on ${proxy.url} (the app gets its own port in $${config.proxy.app_port_env})`,
        );
    }
    const loop = createEngineLoop({
      envFiles: () => envFiles.values(),
      config,
      bus,
      logs,
      clock,
      forceColor: Boolean(process.stdout.isTTY) && color,
      stdin: "forward",
      notify: (kind, title, body) => {
        const project = config.root.split(/[\\/]/).filter(Boolean).at(-1) ?? config.root;
        notifier.notify({ kind, title: `hotreload · ${project}: ${title}`, body });
      },
      pidfile: guard.pidfile,
      holdOutput: gate.hold,
      proxy: proxy?.engine,
      reloadBrowsers: proxy?.reloadBrowsers,
    });
    const forwardStdin = (data: Buffer) => loop.childStdin()?.write(data);
    if (!interactive) process.stdin.on("data", forwardStdin);

    const armWatcher = (l: Loaded) =>
      createWatchSet({
        ...watchSettingsFrom(l.config, l.outputs),
        clock,
        bus,
        log: logs.tag("watch"),
        onBatch: (batch) => {
          bus.emit({ type: "changes", changes: batch.changes, fingerprint: batch.fingerprint });
          loop.send({ type: "changes", changes: batch.changes, fingerprint: batch.fingerprint });
        },
        // The root deleted or replaced: no start in a missing directory; back: rebuild.
        onRootGone: () => loop.send({ type: "command", command: "stop" }),
        onRootBack: () => loop.send({ type: "command", command: "rebuild" }),
      });
    let stream = await armWatcher(current);

    let dashboard: { close(): Promise<void>; port: number; url: string } | null = null;
    const startDash = (c: ResolvedConfig) =>
      openDashboard({
        config: c,
        current: () => current.config,
        bus,
        log: logs.tag("dashboard"),
        onCommand: (command) => {
          // Said in the terminal (and the dashboard's log) before the engine acts on it.
          bus.emit({ type: "command.requested", command, source: "dashboard" });
          loop.send({ type: "command", command });
        },
      });
    if (config.dashboard.enabled) {
      const started = await startDash(config);
      if (!started.ok) {
        // Nothing may keep the process alive past the error: stdin's listener would.
        process.stdin.off("data", forwardStdin);
        process.stdin.pause();
        await stream.close();
        envFiles.close();
        guard.dispose();
        fail(started.error.code, started.error.message, started.error.hint);
      }
      dashboard = started.value;
      logs.tag("dashboard").info(started.value.url);
      if (args.open) openInBrowser(started.value.url);
    }
    const stopPortReports = reportPortClashes({
      bus,
      own: () => ({
        pid: process.pid,
        root: config.root,
        ports: {
          dashboard: dashboard?.port ?? null,
          proxy: current.config.proxy.enabled ? current.config.proxy.port : null,
        },
      }),
      likelyPorts: () =>
        likelyAppPorts(
          { ...envFiles.values(), ...current.config.env },
          current.config.health_check.url,
        ),
    });

    const liveConfig = startLiveConfig({
      files: configFilesToWatch(config, flags.config),
      root: config.root,
      initial: current,
      load: () => loadConfig({ cwd: process.cwd(), flags }),
      poll: config.poll,
      clock,
      bus,
      log: logs.tag("config"),
      parts: {
        reconfigureEngine: (c) => {
          current = { ...current, config: c };
          loop.reconfigure(c);
        },
        reloadEnvFiles: (c) => {
          envFiles.close();
          envFiles = startEnvFiles(c);
        },
        rearmWatcher: async (l) => {
          current = l;
          await stream.close();
          stream = await armWatcher(l);
        },
        moveDashboard: async (c) => {
          await dashboard?.close();
          dashboard = null;
          if (!c.dashboard.enabled) return null;
          const started = await startDash(c);
          if (!started.ok) return started.error.message;
          dashboard = started.value;
          logs.tag("dashboard").info(started.value.url);
          return null;
        },
        act: (action, file) => {
          const changes: FileChange[] = [{ path: file, kind: "modify" }];
          bus.emit({ type: "changes", changes, fingerprint: null });
          loop.send({ type: "changes", changes, fingerprint: null, action });
        },
      },
    });

    const keys = interactive ? bindTerminalKeys({ loop, color, log: logs.tag("run") }) : null;
    const finished = (async () => {
      const code = await loop.exited;
      keys?.close();
      stopPortReports();
      liveConfig.close();
      await liveConfig.settled();
      envFiles.close();
      process.stdin.off("data", forwardStdin);
      process.stdin.pause();
      await Promise.all([stream.close(), dashboard?.close(), proxy?.close()]);
      notifier.close();
      guard.dispose();
      reaper.close();
      bus.emit({ type: "engine.stopped", code, reason: "quit" });
      return code;
    })();
    // A signal asks the engine to quit and exits once everything is stopped; a second one
    // (or a stop that hangs) SIGKILLs the groups; an uncaught error stops and exits 1.
    startup.dispose();
    guard.install({
      onQuit: async (reason) => {
        if (reason.kind === "error") await loop.abort();
        loop.send({ type: "command", command: "quit" });
        await finished;
      },
      onForce: () => loop.killNow(),
    });

    // Asked to quit while starting up: nothing is started, and the quit ends it all, exit 0.
    loop.send(startup.signal ? { type: "command", command: "quit" } : { type: "start" });
    return await finished;
  },
});

function openInBrowser(url: string) {
  const argv =
    process.platform === "darwin"
      ? ["open", url]
      : process.platform === "win32"
        ? ["cmd", "/c", "start", "", url]
        : ["xdg-open", url];
  try {
    Bun.spawn(argv, { stdio: ["ignore", "ignore", "ignore"] }).unref();
  } catch (error) {
    process.stderr.write(
      `hotreload: could not open a browser (${String(error)}); open ${url} yourself\n`,
    );
  }
}
