/**
 * Process-level safety around a run: reap what a previous run left behind, turn SIGINT,
 * SIGTERM and SIGHUP into a graceful quit (a second one forces it), and make an uncaught
 * error stop the server group before exiting with 1.
 */
import type { Logger } from "../log.ts";
import { pidfilePath, reapLeftovers } from "../run/pidfile.ts";

const QUIT_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

export interface ProcessGuard {
  readonly pidfile: string;
  onSignal(handler: (signal: string) => void): () => void;
  /** Called once on an uncaught error; the guard exits with 1 after it settles. */
  onFatal(handler: () => Promise<void>): void;
  dispose(): void;
}

export async function guardProcess(options: { root: string; log: Logger }): Promise<ProcessGuard> {
  const { log } = options;
  const pidfile = pidfilePath(options.root);
  const reaped = await reapLeftovers(options.root, { log, path: pidfile });
  if (reaped.kind === "reaped") log.warn(`${reaped.message} (pids ${reaped.pids.join(", ")})`);
  else if (reaped.kind === "engine-alive")
    log.warn(`${reaped.message}; both will restart the server on changes`);

  let fatal: (() => Promise<void>) | null = null;
  let signals = 0;
  const handlers = new Set<(signal: string) => void>();
  const onSignal = (signal: string) => {
    signals++;
    if (signals > 2) {
      log.warn(`${signal} again: exiting now`);
      process.exit(130);
    }
    for (const handler of handlers) handler(signal);
  };
  const onError = (error: unknown) => {
    process.stderr.write(
      `hotreload: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    const stop = fatal ?? (async () => {});
    fatal = null;
    void stop().finally(() => process.exit(1));
  };
  for (const signal of QUIT_SIGNALS) process.on(signal, onSignal);
  process.on("uncaughtException", onError);
  process.on("unhandledRejection", onError);

  return {
    pidfile,
    onSignal(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    onFatal(handler) {
      fatal = handler;
    },
    dispose() {
      for (const signal of QUIT_SIGNALS) process.off(signal, onSignal);
      process.off("uncaughtException", onError);
      process.off("unhandledRejection", onError);
    },
  };
}
