/**
 * Reads a child's stdout or stderr and hands over each line the moment it is complete.
 */
import type { Logger } from "../log.ts";
import { createLineSplitter } from "./line-splitter.ts";

export type OutputFd = "stdout" | "stderr";

/** Text without a newline (a prompt, a progress dot) is shown after this long idle. */
export const PARTIAL_LINE_IDLE_MS = 50;

export interface LinePump {
  /** Resolves when the stream ended (or was cancelled) and the last line was delivered. */
  readonly done: Promise<void>;
  /** Stops reading, e.g. when a process that left the pipe open was already reaped. */
  cancel(): void;
}

export function pumpLines(
  stream: ReadableStream<Uint8Array>,
  fd: OutputFd,
  onLine: (line: string, fd: OutputFd) => void,
  log: Logger,
  /** Backpressure: a promise to await before the next read (our output is congested). */
  hold?: () => Promise<void> | null,
): LinePump {
  const reader = stream.getReader();
  const splitter = createLineSplitter((line) => onLine(line, fd));
  let idle: ReturnType<typeof setTimeout> | undefined;
  // A cancel ends a wait on our own congested output too, so a stop never waits on a
  // reader that stopped reading.
  let cancelled = () => {};
  const cancelledWait = new Promise<void>((resolve) => {
    cancelled = resolve;
  });
  const done = (async () => {
    try {
      for (;;) {
        const { value, done: ended } = await reader.read();
        clearTimeout(idle);
        if (ended) break;
        splitter.push(value);
        const held = hold?.();
        if (held) await Promise.race([held, cancelledWait]);
        // Armed only while waiting on the child: our own hold must not split its lines.
        if (splitter.hasPartial())
          idle = setTimeout(() => splitter.flushPartial(), PARTIAL_LINE_IDLE_MS);
      }
    } catch (error) {
      log.debug(`reading ${fd} stopped: ${String(error)}`);
    } finally {
      clearTimeout(idle);
      splitter.end();
    }
  })();
  return {
    done,
    cancel() {
      cancelled();
      reader.cancel().catch((error: unknown) => {
        // Cancelling a stream that already closed rejects; the pump is finished either way.
        log.debug(`cancel ${fd}: ${String(error)}`);
      });
    },
  };
}

/**
 * Waits for the pumps to finish, but no longer than graceMs: a process outside our group
 * (a daemon that called setsid) may hold the pipe open forever.
 */
export async function drainPumps(pumps: LinePump[], graceMs: number, log: Logger): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const all = Promise.all(pumps.map((p) => p.done)).then(() => "drained" as const);
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), graceMs);
  });
  const outcome = await Promise.race([all, late]);
  clearTimeout(timer);
  if (outcome === "late") {
    log.debug(`output still open ${graceMs}ms after exit; a detached process holds it. Closing.`);
    for (const pump of pumps) pump.cancel();
    await all;
  }
}
