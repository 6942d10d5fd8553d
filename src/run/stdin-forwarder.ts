/**
 * Routes the engine's stdin to exactly one child at a time: the engine attaches the current
 * server's stdin and detaches it on swap. Nothing reads the input until a child is attached,
 * and reading pauses while none is, so keystrokes typed during a rebuild reach the next
 * server instead of being lost, and an engine that never forwards never consumes stdin.
 */
import type { Readable } from "node:stream";
import type { Logger } from "../log.ts";
import type { ChildStdin } from "./runner.ts";

export interface StdinForwarder {
  /** Sends further input to target (null: hold input until the next attach). */
  attach(target: ChildStdin | null): void;
  dispose(): void;
}

export function createStdinForwarder(opts: { input?: Readable; log: Logger }): StdinForwarder {
  const input: Readable = opts.input ?? process.stdin;
  let target: ChildStdin | null = null;
  let listening = false;
  let ended = false;

  const onData = (chunk: string | Buffer) => {
    if (target) target.write(typeof chunk === "string" ? chunk : new Uint8Array(chunk));
    else opts.log.debug("stdin data with no child attached; dropped");
  };
  const onEnd = () => {
    ended = true;
    target?.end();
  };

  return {
    attach(next) {
      target = next;
      if (ended) {
        next?.end();
        return;
      }
      if (next && !listening) {
        listening = true;
        input.on("data", onData);
        input.on("end", onEnd);
      }
      if (!listening) return;
      if (next) input.resume();
      else input.pause();
    },
    dispose() {
      target = null;
      if (!listening) return;
      listening = false;
      input.off("data", onData);
      input.off("end", onEnd);
      input.pause();
    },
  };
}
