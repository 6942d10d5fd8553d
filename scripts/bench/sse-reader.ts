/**
 * An SSE stream read for the swaps scenario's probe: every event with the time it arrived,
 * and how the stream ended — `clean` (the server ended the body), `cut` (the connection
 * broke: reset, or closed mid-event), or `open` (still open when the reader gave up).
 * `splitEvents` is pure (tests/unit/bench-swap-windows.test.ts).
 */
import { benchDebug } from "./debug.ts";

/** Complete events (text between blank lines) in `buffer`, and the incomplete rest. */
export function splitEvents(buffer: string): { events: string[]; rest: string } {
  const parts = buffer.replaceAll("\r\n", "\n").split("\n\n");
  const rest = parts.pop() ?? "";
  return { events: parts.filter((p) => p.trim() !== ""), rest };
}

export interface StreamEvent {
  text: string;
  /** Epoch ms when the chunk holding it arrived. */
  at: number;
}

export type StreamEnd = { how: "clean" | "cut"; at: number; reason?: string } | { how: "open" };

export interface SseReader {
  events: StreamEvent[];
  /** Resolves when the stream ends, or with `open` once `deadline` (epoch ms) passes. */
  ended(deadline: number): Promise<StreamEnd>;
}

const now = () => performance.timeOrigin + performance.now();

export async function readSse(url: string): Promise<SseReader> {
  const response = await fetch(url);
  if (!response.ok || !response.body) throw new Error(`${url}: HTTP ${response.status}`);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const events: StreamEvent[] = [];
  let buffer = "";
  const reading: Promise<StreamEnd> = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        const at = now();
        if (done)
          return buffer.trim() === ""
            ? { how: "clean", at }
            : { how: "cut", at, reason: "ended mid-event" };
        const split = splitEvents(buffer + decoder.decode(value, { stream: true }));
        buffer = split.rest;
        for (const text of split.events) events.push({ text, at });
      }
    } catch (error) {
      return { how: "cut", at: now(), reason: String(error).split("\n")[0] };
    }
  })();
  return {
    events,
    async ended(deadline) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const open = new Promise<StreamEnd>((resolve) => {
        timer = setTimeout(() => resolve({ how: "open" }), Math.max(0, deadline - now()));
      });
      const end = await Promise.race([reading, open]);
      clearTimeout(timer);
      // Still open at the deadline: the reader lets go of it (the cancel ends the read loop).
      // A cancel that races the stream breaking may reject; the end is recorded already.
      if (end.how === "open") await reader.cancel().catch((error) => benchDebug(String(error)));
      return end;
    },
  };
}
