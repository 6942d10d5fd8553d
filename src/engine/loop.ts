/**
 * The thin shell around step(): performs effects with real IO (build, instances, proxy
 * routing, timers, notifications) and feeds their results back as inputs, one at a time.
 */
import { mkdirSync } from "node:fs";
import { startBuild as spawnBuild } from "../build/builder.ts";
import type { Clock, TimerHandle } from "../clock.ts";
import { CACHE_DIR_VARIABLE } from "../config/detect/index.ts";
import { projectCacheDir } from "../config/dirs.ts";
import type { ResolvedConfig } from "../config/schema.ts";
import type { CommandSpec } from "../config/schema-commands.ts";
import type { EventBus } from "../events/bus.ts";
import type { LoggerFactory } from "../log.ts";
import { killGroupNow } from "../run/process-group.ts";
import type { ChildStdin } from "../run/runner.ts";
import { AUTO_BURST_MS } from "../watch/debounce.ts";
import { createHookRunner } from "./hook-runner.ts";
import { createInstances, type InstanceProxyOptions, isDirectory } from "./instances.ts";
import { compileRules, rulesWithLiveCss } from "./rules.ts";
import { initialState, step } from "./step.ts";
import type {
  Effect,
  EngineInput,
  EngineSettings,
  EngineState,
  NotifyKind,
  TimerName,
} from "./types.ts";

export interface EngineLoopOptions {
  config: ResolvedConfig;
  bus: EventBus;
  logs: LoggerFactory;
  clock: Clock;
  forceColor: boolean;
  stdin: "forward" | "ignore";
  notify(kind: NotifyKind, title: string, body: string): void;
  /** Where the running server group is recorded for reaping after an engine crash. */
  pidfile?: string;
  /** Backpressure from our output: the app's pipes are not read while it holds. */
  holdOutput?: () => Promise<void> | null;
  /**
   * A limit on builds shared with other engines (several services): resolves with the
   * release once this build may run. Absent: builds start at once.
   */
  buildSlot?: () => Promise<() => void>;
  /** hotreload's proxy in front of the instances, when it is on. */
  proxy?: InstanceProxyOptions;
  /** Values from env files, read at each build and start; `env:` and flags win over them. */
  envFiles?: () => Readonly<Record<string, string>>;
  /** The proxy's live reload: open pages reload (or only swap stylesheets, `css`). */
  reloadBrowsers?: (paths: readonly string[], css: boolean) => void;
}

export interface EngineLoop {
  send(input: EngineInput): void;
  state(): EngineState;
  /** Resolves with the exit code once the engine has stopped everything it started. */
  readonly exited: Promise<number>;
  /** The current server's stdin, when stdin is forwarded. */
  childStdin(): ChildStdin | null;
  /** Hard stop for fatal paths: stop every instance and cancel the build now. */
  abort(): Promise<void>;
  /** Last resort, synchronous: SIGKILL the servers' and the build's process groups. */
  killNow(): void;
  /**
   * A live config edit: the next build and start use `next`. Acting on it (a rebuild, a
   * restart) is the caller's `changes` input; what runs now is left alone until then.
   */
  reconfigure(next: ResolvedConfig): void;
}

export function settingsFrom(
  config: ResolvedConfig,
  proxied = config.proxy.enabled,
  platform: NodeJS.Platform = process.platform,
): EngineSettings {
  return {
    hasBuild: config.build !== null,
    hasHealthCheck: config.health_check.enabled && config.health_check.url !== null,
    onBusy: config.on_busy,
    backoffInitialMs: config.crash.backoff_initial,
    backoffMaxMs: config.crash.backoff_max,
    resetAfterMs: config.crash.reset_after,
    buildCommand: config.build,
    execCommand: config.exec ?? "",
    // Windows has no stop signals: process.stopping says what is done (run/windows-stop.ts).
    stopSignal: platform === "win32" ? "taskkill /T /F" : config.stop.signal,
    restart: config.restart,
    swap: proxied ? config.proxy.swap : null,
    rules: compileRules(rulesWithLiveCss(config)),
    hooks: {
      before_build: hookSetting(config.hooks.before_build, config.hooks.timeout),
      after_build: hookSetting(config.hooks.after_build, config.hooks.timeout),
      after_ready: hookSetting(config.hooks.after_ready, config.hooks.timeout),
      on_crash: hookSetting(config.hooks.on_crash, config.hooks.timeout),
    },
    hookTimeoutMs: config.hooks.timeout,
  };
}

const hookSetting = (spec: CommandSpec | null, timeoutMs: number) =>
  spec ? { command: spec.command, timeoutMs: spec.timeout ?? timeoutMs } : null;

export function createEngineLoop(options: EngineLoopOptions): EngineLoop {
  const { bus, clock, logs } = options;
  let config = options.config;
  const log = logs.tag("engine");
  const cacheDir = projectCacheDir(config.root);
  mkdirSync(cacheDir, { recursive: true });
  // Inherited < env files < `env:` and --env < ours (the runner adds the inherited ones).
  const env = (): Record<string, string> => ({
    ...options.envFiles?.(),
    ...config.env,
    [CACHE_DIR_VARIABLE]: cacheDir,
  });

  let state = initialState(settingsFrom(config, options.proxy !== undefined));
  const queue: EngineInput[] = [];
  let draining = false;
  let build: { seq: number; pid: number; cancel(): Promise<void> } | null = null;
  const timers = new Map<TimerName, TimerHandle>();
  let resolveExit: (code: number) => void = () => {};
  const exited = new Promise<number>((resolve) => {
    resolveExit = resolve;
  });

  const send = (input: EngineInput) => {
    queue.push(input);
    if (draining) return;
    draining = true;
    try {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const result = step(state, { ...next, now: clock.now() } as Parameters<typeof step>[1]);
        state = result.state;
        if (next.type !== "health" || result.effects.length > 0)
          log.debug(`${next.type} → ${state.phase}`);
        for (const effect of result.effects) perform(effect);
      }
    } finally {
      draining = false;
    }
  };

  const instances = createInstances({
    config,
    env,
    bus,
    logs,
    forceColor: options.forceColor,
    stdin: options.stdin,
    pidfile: options.pidfile,
    holdOutput: options.holdOutput,
    proxy: options.proxy,
    send,
  });

  const hooks = createHookRunner({
    cwd: () => config.root,
    env,
    service: "default",
    bus,
    log: logs.tag("hook"),
    send,
    clock,
    // What a rule's command wrote reaches the engine as a batch after the quiet window:
    // reported before the command's end, it joins the same batch (one build, not two).
    settleMs: () => (config.debounce === "auto" ? AUTO_BURST_MS : config.debounce) + 50,
  });

  const perform = (effect: Effect) => {
    switch (effect.type) {
      case "emit":
        bus.emit(effect.event);
        return;
      case "notify":
        options.notify(effect.kind, effect.title, effect.body);
        return;
      case "startBuild":
        return startBuild(effect.seq);
      case "cancelBuild":
        if (build?.seq === effect.seq) void build.cancel();
        return;
      case "startChild":
        return instances.start(effect.id);
      case "stopChild":
        return instances.stop(effect.id);
      case "probeHealth":
        return instances.probe(effect.id);
      case "cancelHealth":
        return instances.cancelProbe(effect.id);
      case "route":
        return instances.route(effect.id);
      case "drain":
        return instances.drain(effect.id);
      case "runHook":
        return hooks.run(effect.id, effect.hook, effect.command, effect.env);
      case "cancelHook":
        return hooks.cancel(effect.id);
      case "reloadBrowsers":
        if (options.reloadBrowsers) return options.reloadBrowsers(effect.paths, effect.css);
        // Without the proxy's live reload (docs/PROXY.md) there are no pages to tell.
        log.debug(
          `browser reload asked for (${effect.paths.join(", ") || "pending"}): live reload is off`,
        );
        return;
      case "schedule": {
        const name = effect.name;
        const old = timers.get(name);
        if (old) clock.clearTimeout(old);
        timers.set(
          name,
          clock.setTimeout(() => {
            timers.delete(name);
            send({ type: "timer", name });
          }, effect.ms),
        );
        return;
      }
      case "cancelTimer": {
        const handle = timers.get(effect.name);
        if (handle) clock.clearTimeout(handle);
        timers.delete(effect.name);
        return;
      }
      case "exit":
        for (const handle of timers.values()) clock.clearTimeout(handle);
        timers.clear();
        resolveExit(effect.code);
        return;
    }
  };

  const startBuild = (seq: number) => {
    const slot = options.buildSlot;
    if (!slot) return spawnBuildNow(seq, () => {});
    // Waiting for a slot: a cancel meanwhile gives the slot back unused.
    let cancelled = false;
    build = {
      seq,
      pid: 0,
      cancel: async () => {
        cancelled = true;
      },
    };
    void slot().then((release) => {
      if (!cancelled && build?.seq === seq) return spawnBuildNow(seq, release);
      release();
      if (build?.seq === seq) build = null;
      const none = { exitCode: null, signal: null, durationMs: 0, tail: [] };
      send({ type: "buildDone", seq, ok: false, cancelled: true, ...none });
    });
  };

  const spawnBuildNow = (seq: number, release: () => void) => {
    if (!isDirectory(config.root)) {
      release();
      logs.tag("build").error(`not building: ${config.root} does not exist any more`);
      const none = { exitCode: null, signal: null, durationMs: 0, tail: [] };
      return send({ type: "buildDone", seq, ok: false, cancelled: false, ...none });
    }
    const handle = spawnBuild({
      command: config.build ?? "",
      cwd: config.root,
      env: env(),
      log: logs.tag("build"),
      onLine: (line, fd) => bus.emit({ type: "log", stream: "build", fd, line }),
    });
    build = { seq, pid: handle.pid, cancel: handle.cancel };
    const done = (r: Omit<Extract<EngineInput, { type: "buildDone" }>, "type" | "seq">) => {
      release();
      if (build?.seq === seq) build = null;
      send({ type: "buildDone", seq, ...r });
    };
    handle.done.then(
      (r) =>
        done({
          ok: r.ok,
          cancelled: r.cancelled,
          exitCode: r.exitCode,
          signal: r.signal,
          durationMs: r.durationMs,
          tail: r.tail,
        }),
      (error) => {
        log.error(`build could not run: ${String(error)}`);
        done({
          ok: false,
          cancelled: false,
          exitCode: null,
          signal: null,
          durationMs: 0,
          tail: [String(error)],
        });
      },
    );
  };

  return {
    send,
    state: () => state,
    childStdin: () => instances.stdinOf(state.active?.id),
    exited,
    async abort() {
      await Promise.all([build?.cancel(), instances.stopAll(), hooks.cancelAll()]);
    },
    killNow() {
      instances.killNow();
      hooks.killNow();
      if (build && build.pid > 0) killGroupNow(build.pid, log);
    },
    reconfigure(next) {
      config = next;
      instances.reconfigure(next);
      // Settings are configuration, not something step() decides: replaced between inputs.
      state = { ...state, settings: settingsFrom(next, options.proxy !== undefined) };
    },
  };
}
