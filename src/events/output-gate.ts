/**
 * Backpressure from our own output to the child's pipes. When stdout or stderr takes
 * writes slower than the app produces lines (a slow terminal, `hotreload | less`, a full
 * pipe), a write is refused past the stream's buffer; the gate then says "hold" until the
 * stream drains, and the runner stops reading the child meanwhile. The child blocks on its
 * own write, as it would writing to that terminal directly: memory stays bounded and no
 * line is dropped.
 *
 * A stream whose reader went away (`hotreload | head -1`, a closed terminal: EPIPE, EIO)
 * never drains. From its first error or close on, everything written to it is dropped and
 * it never holds anyone again; `onClosed` hears about it once.
 */

export interface GatedStream {
  write(text: string): unknown;
}

type StreamEvent = "drain" | "close" | "error";

interface DrainingStream {
  write(text: string): boolean;
  readonly writable?: boolean;
  readonly errored?: unknown;
  on(event: StreamEvent, listener: (error?: unknown) => void): unknown;
  once(event: StreamEvent, listener: () => void): unknown;
  off(event: StreamEvent, listener: () => void): unknown;
}

export interface OutputGate {
  /** Wraps a stream so refused writes close the gate until it drains. */
  wrap(stream: DrainingStream, name?: string): GatedStream;
  /**
   * Listens for the reader of a stream written directly (the logger's stderr) going away:
   * without a listener, Bun ends the process on the first EPIPE. Idempotent; wrap does it.
   */
  watch(stream: DrainingStream, name?: string): void;
  /** A promise to await before reading more from the child, or null when output flows. */
  hold(): Promise<void> | null;
}

export interface OutputGateOptions {
  /** Called once per stream when its reader is gone; its output is dropped from then on. */
  onClosed?(name: string, reason: string): void;
}

export function createOutputGate(options: OutputGateOptions = {}): OutputGate {
  const blocked = new Set<DrainingStream>();
  let waiting: { promise: Promise<void>; resolve(): void } | null = null;

  function open(stream: DrainingStream): void {
    if (!blocked.delete(stream) || blocked.size > 0 || waiting === null) return;
    const { resolve } = waiting;
    waiting = null;
    resolve();
  }

  const watched = new Map<DrainingStream, { closed: boolean; close(reason: string): void }>();
  function watch(stream: DrainingStream, name: string) {
    let state = watched.get(stream);
    if (state) return state;
    const fresh = {
      closed: false,
      close(reason: string) {
        if (fresh.closed) return;
        fresh.closed = true;
        open(stream);
        options.onClosed?.(name, reason);
      },
    };
    state = fresh;
    watched.set(stream, fresh);
    // Listening for good also keeps an EPIPE from ending the process.
    stream.on("error", (error) => fresh.close(describeError(error)));
    stream.on("close", () => fresh.close("closed"));
    return fresh;
  }

  return {
    watch(stream, name = "output") {
      watch(stream, name);
    },
    wrap(stream, name = "output") {
      const state = watch(stream, name);
      const close = (reason: string) => state.close(reason);
      // Lines written in one turn of the event loop (a chunk of the app's output) go out
      // as one write: a system call per line costs more than everything else we do.
      let pending = "";
      const flush = () => {
        const text = pending;
        pending = "";
        if (state.closed) return;
        const flowing = stream.write(text);
        if (flowing !== false || blocked.has(stream) || state.closed) return;
        if (stream.writable === false)
          return close(stream.errored ? describeError(stream.errored) : "not writable");
        blocked.add(stream);
        const release = () => {
          stream.off("drain", release);
          open(stream);
        };
        stream.once("drain", release);
      };
      return {
        write(text) {
          if (state.closed) return;
          if (pending === "") queueMicrotask(flush);
          pending += text;
        },
      };
    },
    hold() {
      if (blocked.size === 0) return null;
      if (waiting === null) {
        let resolve = () => {};
        const promise = new Promise<void>((r) => {
          resolve = r;
        });
        waiting = { promise, resolve };
      }
      return waiting.promise;
    },
  };
}

function describeError(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : String(error);
}
