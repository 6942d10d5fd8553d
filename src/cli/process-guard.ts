/**
 * Process-level safety around a run: reap what a previous run left behind, then hand
 * SIGINT, SIGTERM, SIGHUP and uncaught errors to the shutdown handlers (src/run/shutdown.ts):
 * the first signal stops gracefully and exits 0, a second one SIGKILLs the groups and exits
 * at once, an uncaught error stops the server group and exits 1.
 */
import type { Logger } from "../log.ts";
import { pidfilePath, reapLeftovers } from "../run/pidfile.ts";
import { installShutdownHandlers, type QuitReason } from "../run/shutdown.ts";

export interface ProcessGuard {
  readonly pidfile: string;
  /** Installs the handlers: `onQuit` stops everything, `onForce` SIGKILLs synchronously. */
  install(handlers: { onQuit(reason: QuitReason): Promise<void>; onForce(): void }): void;
  dispose(): void;
}

export async function guardProcess(options: { root: string; log: Logger }): Promise<ProcessGuard> {
  const { log } = options;
  const pidfile = pidfilePath(options.root);
  const reaped = await reapLeftovers(options.root, { log, path: pidfile });
  if (reaped.kind === "reaped") log.warn(`${reaped.message} (pids ${reaped.pids.join(", ")})`);
  else if (reaped.kind === "engine-alive")
    log.warn(`${reaped.message}; both will restart the server on changes`);

  let installed: { dispose(): void } | null = null;
  return {
    pidfile,
    install(handlers) {
      installed?.dispose();
      installed = installShutdownHandlers({
        ...handlers,
        log,
        settle: (code) => {
          process.exitCode = code;
        },
      });
    },
    dispose() {
      installed?.dispose();
      installed = null;
    },
  };
}
