/**
 * Backpressure from our own output to the child's pipes. When stdout or stderr takes
 * writes slower than the app produces lines (a slow terminal, `hotreload | less`, a full
 * pipe), a write is refused past the stream's buffer; the gate then says "hold" until the
 * stream drains, and the runner stops reading the child meanwhile. The child blocks on its
 * own write, as it would writing to that terminal directly: memory stays bounded and no
 * line is dropped.
 */

export interface GatedStream {
  write(text: string): unknown;
}

interface DrainingStream {
  write(text: string): boolean;
  once(event: "drain" | "close" | "error", listener: () => void): unknown;
  off(event: "drain" | "close" | "error", listener: () => void): unknown;
}

export interface OutputGate {
  /** Wraps a stream so refused writes close the gate until it drains. */
  wrap(stream: DrainingStream): GatedStream;
  /** A promise to await before reading more from the child, or null when output flows. */
  hold(): Promise<void> | null;
}

export function createOutputGate(): OutputGate {
  const blocked = new Set<DrainingStream>();
  let waiting: { promise: Promise<void>; resolve(): void } | null = null;

  function open(stream: DrainingStream): void {
    if (!blocked.delete(stream) || blocked.size > 0 || waiting === null) return;
    const { resolve } = waiting;
    waiting = null;
    resolve();
  }

  return {
    wrap(stream) {
      // Lines written in one turn of the event loop (a chunk of the app's output) go out
      // as one write: a system call per line costs more than everything else we do.
      let pending = "";
      const flush = () => {
        const text = pending;
        pending = "";
        const flowing = stream.write(text);
        if (flowing !== false || blocked.has(stream)) return;
        blocked.add(stream);
        // A closed or failed stream will never drain: let the child go on regardless.
        const events = ["drain", "close", "error"] as const;
        const release = () => {
          for (const event of events) stream.off(event, release);
          open(stream);
        };
        for (const event of events) stream.once(event, release);
      };
      return {
        write(text) {
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
