/**
 * The thin shell around step(): performs effects with real IO (build, spawn, stop, health
 * probes, timers, notifications) and feeds their results back as inputs, one at a time.
 */
import { mkdirSync } from "node:fs";
import { startBuild as spawnBuild } from "../build/builder.ts";
import type { Clock, TimerHandle } from "../clock.ts";
import { CACHE_DIR_VARIABLE } from "../config/detect.ts";
import { projectCacheDir } from "../config/dirs.ts";
import type { ResolvedConfig } from "../config/schema.ts";
import type { EventBus } from "../events/bus.ts";
import { probeHealth } from "../health/probe.ts";
import type { LoggerFactory } from "../log.ts";
import { killGroupNow } from "../run/process-group.ts";
import { type ChildStdin, startProcess } from "../run/runner.ts";
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
}

export interface EngineLoop {
  send(input: EngineInput): void;
  state(): EngineState;
  /** Resolves with the exit code once the engine has stopped everything it started. */
  readonly exited: Promise<number>;
  /** The current server's stdin, when stdin is forwarded. */
  childStdin(): ChildStdin | null;
  /** Hard stop for fatal paths: stop the child group and cancel the build now. */
  abort(): Promise<void>;
  /** Last resort, synchronous: SIGKILL the server's and the build's process groups. */
  killNow(): void;
}

export function settingsFrom(config: ResolvedConfig): EngineSettings {
  return {
    hasBuild: config.build !== null,
    hasHealthCheck: config.health_check.enabled && config.health_check.url !== null,
    onBusy: config.on_busy,
    backoffInitialMs: config.crash.backoff_initial,
    backoffMaxMs: config.crash.backoff_max,
    resetAfterMs: config.crash.reset_after,
    buildCommand: config.build,
    execCommand: config.exec ?? "",
    stopSignal: config.stop.signal,
  };
}

export function createEngineLoop(options: EngineLoopOptions): EngineLoop {
  const { config, bus, clock, logs } = options;
  const log = logs.tag("engine");
  const cacheDir = projectCacheDir(config.root);
  mkdirSync(cacheDir, { recursive: true });
  const env = { ...config.env, [CACHE_DIR_VARIABLE]: cacheDir };

  let state = initialState(settingsFrom(config));
  const queue: EngineInput[] = [];
  let draining = false;
  let build: { seq: number; pid: number; cancel(): Promise<void> } | null = null;
  let child: { pid: number; stop(): Promise<unknown>; stdin: ChildStdin | null } | null = null;
  const probes = new Map<number, AbortController>();
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

  const perform = (effect: Effect) => {
    switch (effect.type) {
      case "emit":
        bus.emit(effect.event);
        return;
      case "notify":
        options.notify(effect.kind, effect.title, effect.body);
        return;
      case "startBuild": {
        const seq = effect.seq;
        const handle = spawnBuild({
          command: config.build ?? "",
          cwd: config.root,
          env,
          log: logs.tag("build"),
          onLine: (line, fd) => bus.emit({ type: "log", stream: "build", fd, line }),
        });
        build = { seq, pid: handle.pid, cancel: handle.cancel };
        handle.done.then(
          (r) => {
            if (build?.seq === seq) build = null;
            send({
              type: "buildDone",
              seq,
              ok: r.ok,
              cancelled: r.cancelled,
              exitCode: r.exitCode,
              signal: r.signal,
              durationMs: r.durationMs,
              tail: r.tail,
            });
          },
          (error) => {
            log.error(`build could not run: ${String(error)}`);
            send({
              type: "buildDone",
              seq,
              ok: false,
              cancelled: false,
              exitCode: null,
              signal: null,
              durationMs: 0,
              tail: [String(error)],
            });
          },
        );
        return;
      }
      case "cancelBuild":
        if (build?.seq === effect.seq) void build.cancel();
        return;
      case "startChild":
        return startChild();
      case "stopChild":
        if (child?.pid === effect.pid) void child.stop();
        return;
      case "probeHealth":
        return startProbe(effect.pid);
      case "cancelHealth":
        probes.get(effect.pid)?.abort();
        probes.delete(effect.pid);
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

  const startChild = () => {
    let handle: ReturnType<typeof startProcess>;
    try {
      handle = startProcess({
        command: config.exec ?? "",
        cwd: config.root,
        env,
        forceColor: options.forceColor,
        stdin: options.stdin,
        log: logs.tag("run"),
        stop: { signal: config.stop.signal, timeoutMs: config.stop.timeout },
        onLine: (line, fd) => bus.emit({ type: "log", stream: "app", fd, line }),
        hold: options.holdOutput,
        statePaths: options.pidfile ? { pidfile: options.pidfile, root: config.root } : undefined,
      });
    } catch (error) {
      log.error(`could not start \`${config.exec}\`: ${String(error)}`);
      send({ type: "childExited", pid: 0, exitCode: null, signal: null });
      return;
    }
    const current = { pid: handle.pid, stop: handle.stop, stdin: handle.stdin };
    child = current;
    send({ type: "childStarted", pid: handle.pid });
    handle.exited.then(
      (r) => {
        if (child === current) child = null;
        send({ type: "childExited", pid: current.pid, exitCode: r.exitCode, signal: r.signal });
      },
      (error) => {
        log.error(`lost track of the server process: ${String(error)}`);
        if (child === current) child = null;
        send({ type: "childExited", pid: current.pid, exitCode: null, signal: null });
      },
    );
  };

  const startProbe = (pid: number) => {
    const url = config.health_check.url;
    if (!url) return;
    const controller = new AbortController();
    probes.set(pid, controller);
    const health = logs.tag("health");
    probeHealth({
      url,
      timeoutMs: config.health_check.timeout,
      intervalMs: config.health_check.interval,
      maxRetries: config.health_check.max_retries,
      signal: controller.signal,
      onAttempt: (n, error) => health.debug(`probe ${n} of ${url}${error ? `: ${error}` : ""}`),
    }).then((r) => {
      if (controller.signal.aborted) return;
      probes.delete(pid);
      if (r.ok)
        send({ type: "health", pid, ok: true, attempts: r.attempts, ms: r.ms, status: r.status });
      else send({ type: "health", pid, ok: false, attempts: r.attempts, error: r.error });
    });
  };

  return {
    send,
    state: () => state,
    childStdin: () => child?.stdin ?? null,
    exited,
    async abort() {
      for (const controller of probes.values()) controller.abort();
      await Promise.all([build?.cancel(), child?.stop()]);
    },
    killNow() {
      for (const pid of [child?.pid, build?.pid]) {
        if (pid !== undefined && pid > 0) killGroupNow(pid, log);
      }
    },
  };
}
