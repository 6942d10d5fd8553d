/**
 * Shows desktop notifications without ever blocking the engine: each one is a detached
 * process with no stdio, killed if it takes longer than a few seconds; failures are logged
 * at debug only. Where no mechanism exists the notifier is off, saying why once at debug.
 */
import { type Clock, createSystemClock } from "../clock.ts";
import type { Logger } from "../log.ts";
import { chooseMechanism, type Env, envValue } from "./choose-mechanism.ts";
import { commandFor } from "./notify-argv.ts";
import { createThrottle, DEFAULT_THROTTLE_MS } from "./throttle.ts";
import type { Notifier } from "./types.ts";

export const DEFAULT_NOTIFY_TIMEOUT_MS = 5000;

export interface NotifierOptions {
  enabled: boolean;
  log: Logger;
  /** Drives throttling; the kill timeout of a stuck notifier uses real time. */
  clock?: Clock;
  platform?: NodeJS.Platform;
  /** Used to find the notifier and passed to it; defaults to process.env. */
  env?: Env;
  which?: (command: string) => string | null;
  /** Minimum gap between two notifications of one kind. */
  throttleMs?: number;
  /** A notifier process still running after this long is killed. */
  timeoutMs?: number;
}

interface Running {
  proc: ReturnType<typeof Bun.spawn>;
  timer: ReturnType<typeof setTimeout>;
}

function off(log: Logger, reason: string): Notifier {
  log.debug(`notifications off: ${reason}`);
  return { mechanism: null, notify() {}, flush: async () => {}, close() {} };
}

function definedOnly(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}

export function createNotifier(options: NotifierOptions): Notifier {
  const { log } = options;
  if (!options.enabled) return off(log, "disabled in configuration");
  const platform = options.platform ?? process.platform;
  const env = options.env ?? process.env;
  const path = envValue(env, "PATH", platform);
  const which =
    options.which ??
    ((command: string) => Bun.which(command, path === undefined ? {} : { PATH: path }));
  const choice = chooseMechanism({ platform, env, which });
  if (!choice.ok) return off(log, choice.reason);
  log.debug(`notifications via ${choice.mechanism} (${choice.command})`);

  const throttle = createThrottle(
    options.clock ?? createSystemClock(),
    options.throttleMs ?? DEFAULT_THROTTLE_MS,
  );
  const timeoutMs = options.timeoutMs ?? DEFAULT_NOTIFY_TIMEOUT_MS;
  const baseEnv = definedOnly(env);
  const running = new Set<Running>();
  let closed = false;

  const kill = (entry: Running, why: string) => {
    const { pid } = entry.proc;
    log.debug(`killing notifier process ${pid}: ${why}`);
    try {
      // Detached, so it leads its own group: kill anything it started too.
      if (platform === "win32") entry.proc.kill();
      else process.kill(-pid, "SIGKILL");
    } catch (error) {
      // It exited between the check and the kill: nothing is left to stop.
      log.debug(`notifier process ${pid} was already gone: ${String(error)}`);
    }
  };

  return {
    mechanism: choice.mechanism,
    notify(notification) {
      if (closed) return;
      const wait = throttle.waitFor(notification.kind);
      if (wait > 0) {
        log.debug(`notification "${notification.kind}" throttled (${Math.ceil(wait)} ms left)`);
        return;
      }
      throttle.allow(notification.kind);
      const command = commandFor(choice.mechanism, choice.command, notification);
      let proc: ReturnType<typeof Bun.spawn>;
      try {
        proc = Bun.spawn(command.argv, {
          env: { ...baseEnv, ...command.env },
          stdio: ["ignore", "ignore", "ignore"],
          detached: true,
          windowsHide: true,
        });
      } catch (error) {
        log.debug(`could not start ${choice.command}; notification dropped: ${String(error)}`);
        return;
      }
      proc.unref();
      const entry: Running = {
        proc,
        timer: setTimeout(() => kill(entry, `still running after ${timeoutMs} ms`), timeoutMs),
      };
      entry.timer.unref();
      running.add(entry);
      void proc.exited.then((code) => {
        clearTimeout(entry.timer);
        running.delete(entry);
        if (code !== 0) log.debug(`${choice.mechanism} exited with ${code ?? proc.signalCode}`);
      });
    },
    async flush() {
      await Promise.all([...running].map((entry) => entry.proc.exited));
    },
    close() {
      closed = true;
      for (const entry of running) {
        clearTimeout(entry.timer);
        kill(entry, "notifier closed");
      }
    },
  };
}
