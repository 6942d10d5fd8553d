/**
 * How the engine leaves: SIGINT (Ctrl-C), SIGTERM and SIGHUP (terminal closed) are a
 * requested quit; an uncaught exception or unhandled rejection is a failure. Either way
 * the child groups are stopped first (onQuit), then the process exits: 0 for a requested
 * quit, 1 for a failure. A second signal during the stop, or a stop that hangs, calls
 * onForce (SIGKILL the groups, synchronously) and exits at once. The lifeline still covers
 * what no handler can see (SIGKILL of the engine).
 */
import type { Logger } from "../log.ts";

export type QuitSignal = "SIGINT" | "SIGTERM" | "SIGHUP";
export type QuitReason = { kind: "signal"; signal: QuitSignal } | { kind: "error"; error: unknown };

export interface ShutdownOptions {
  /** Stop every child group gracefully. */
  onQuit(reason: QuitReason): Promise<void>;
  /** Last resort, synchronous: SIGKILL every child group. */
  onForce?(): void;
  log: Logger;
  /** Default process.exit. */
  exit?(code: number): void;
  /** After a graceful quit; default `exit`. The CLI sets process.exitCode instead, so pending
   * output (the last --json events) is flushed before the process ends by itself. */
  settle?(code: number): void;
  /** A stop that takes longer than this is forced. Default 15 s (stop timeout is 5 s). */
  forceAfterMs?: number;
}

export const QUIT_SIGNALS: readonly QuitSignal[] = ["SIGINT", "SIGTERM", "SIGHUP"];

export function exitCodeForQuit(reason: QuitReason): 0 | 1 {
  return reason.kind === "signal" ? 0 : 1;
}

export function installShutdownHandlers(opts: ShutdownOptions): { dispose(): void } {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  let quitting: QuitReason | null = null;
  let forceTimer: ReturnType<typeof setTimeout> | undefined;

  const say = (level: "debug" | "error", message: string) => {
    try {
      opts.log[level](message);
    } catch (error) {
      // After SIGHUP the terminal may be gone (EIO/EPIPE); quitting matters more than the log.
      void error;
    }
  };

  const force = (why: string) => {
    say("error", `${why}: killing child processes`);
    opts.onForce?.();
    exit(quitting ? exitCodeForQuit(quitting) : 1);
  };

  const quit = (reason: QuitReason) => {
    if (quitting) {
      if (reason.kind === "signal") force(`${reason.signal} again while stopping`);
      else say("error", `error while stopping: ${describe(reason.error)}`);
      return;
    }
    quitting = reason;
    if (reason.kind === "signal") say("debug", `${reason.signal}: stopping`);
    else say("error", `unexpected error: ${describe(reason.error)}`);
    forceTimer = setTimeout(
      () => force(`still stopping after ${opts.forceAfterMs ?? 15_000}ms`),
      opts.forceAfterMs ?? 15_000,
    );
    opts.onQuit(reason).then(
      () => {
        clearTimeout(forceTimer);
        (opts.settle ?? exit)(exitCodeForQuit(reason));
      },
      (error: unknown) => {
        clearTimeout(forceTimer);
        say("error", `stopping failed: ${describe(error)}`);
        opts.onForce?.();
        exit(1);
      },
    );
  };

  const onSignal = (signal: QuitSignal) => () => quit({ kind: "signal", signal });
  const signalHandlers = QUIT_SIGNALS.map((signal) => [signal, onSignal(signal)] as const);
  const onError = (error: unknown) => quit({ kind: "error", error });

  for (const [signal, handler] of signalHandlers) process.on(signal, handler);
  process.on("uncaughtException", onError);
  process.on("unhandledRejection", onError);

  return {
    dispose() {
      clearTimeout(forceTimer);
      for (const [signal, handler] of signalHandlers) process.off(signal, handler);
      process.off("uncaughtException", onError);
      process.off("unhandledRejection", onError);
    },
  };
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.stack ?? error.message;
  return String(error);
}

export interface StartupSignals {
  /** The first quit signal that arrived during start-up, or null. */
  readonly signal: QuitSignal | null;
  dispose(): void;
}

/**
 * Quit signals that arrive during start-up (the config loading, the first walk of a large
 * tree), before installShutdownHandlers: remembered, so start-up ends in a clean quit with
 * exit 0 instead of the default death by signal. A second one exits 0 at once, since no
 * server or build has been started yet.
 */
export function catchStartupSignals(
  exit: (code: number) => void = (code) => process.exit(code),
): StartupSignals {
  let first: QuitSignal | null = null;
  const handlers = QUIT_SIGNALS.map(
    (signal) =>
      [
        signal,
        () => {
          if (first !== null) exit(0);
          first = signal;
        },
      ] as const,
  );
  for (const [signal, handler] of handlers) process.on(signal, handler);
  return {
    get signal() {
      return first;
    },
    dispose() {
      for (const [signal, handler] of handlers) process.off(signal, handler);
    },
  };
}
