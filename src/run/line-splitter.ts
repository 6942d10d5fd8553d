/**
 * Turns a byte stream into lines as soon as each newline arrives: no timers, no added delay.
 * Handles chunks that split a line or a UTF-8 sequence, CRLF, a last line without newline,
 * and caps each line so a child that prints megabytes without a newline cannot grow memory.
 */

/** Longest line kept, in UTF-16 code units; the rest of the line is dropped and counted. */
export const MAX_LINE_LENGTH = 64 * 1024;

export interface LineSplitter {
  /** Feeds a chunk; calls onLine for every line it completes. */
  push(chunk: Uint8Array | string): void;
  /** True when text without a newline is waiting. */
  hasPartial(): boolean;
  /** Hands over the text waiting for its newline as a line of its own (a prompt, say). */
  flushPartial(): void;
  /** Flushes the last line if it had no newline. Call once at end of stream. */
  end(): void;
}

export function createLineSplitter(
  onLine: (line: string) => void,
  maxLength: number = MAX_LINE_LENGTH,
): LineSplitter {
  const decoder = new TextDecoder("utf-8", { fatal: false });
  let pending = "";
  let dropped = 0;
  /** A partial line went out and nothing came since: its newline ends it, no empty line. */
  let flushed = false;

  const emit = (text: string) => {
    let line = text.endsWith("\r") ? text.slice(0, -1) : text;
    if (dropped > 0) line = `${line}… [${dropped} more characters dropped]`;
    dropped = 0;
    onLine(line);
  };

  const take = (text: string) => {
    let start = 0;
    for (;;) {
      const newline = text.indexOf("\n", start);
      if (newline === -1) break;
      const piece = text.slice(start, newline);
      const endsFlushed = flushed && dropped === 0 && /^\r?$/.test(pending + piece);
      append(piece);
      if (!endsFlushed) emit(pending);
      flushed = false;
      pending = "";
      start = newline + 1;
    }
    append(text.slice(start));
  };

  const append = (piece: string) => {
    const room = maxLength - pending.length;
    if (piece.length <= room) {
      pending += piece;
      return;
    }
    if (room > 0) pending += piece.slice(0, room);
    dropped += piece.length - Math.max(room, 0);
  };

  return {
    push(chunk) {
      const text = typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
      if (flushed && !/^\r?(\n|$)/.test(text)) flushed = false;
      take(text);
    },
    hasPartial: () => pending.length > 0 || dropped > 0,
    flushPartial() {
      if (pending.length > 0 || dropped > 0) {
        emit(pending);
        flushed = true;
      }
      pending = "";
    },
    end() {
      take(decoder.decode());
      if (pending.length > 0 || dropped > 0) emit(pending);
      pending = "";
      dropped = 0;
    },
  };
}
