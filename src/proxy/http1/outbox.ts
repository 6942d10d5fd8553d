/**
 * What is on its way to one socket. Within one turn, pieces are staged and written as one
 * (commit): one syscall per answer, not one per piece. What the socket cannot take yet is
 * queued and the socket it came from paused until `drain` (flush) empties the queue, so
 * neither side's bytes pile up in memory.
 */
import type { Socket } from "bun";

/** Bytes to write: a string only when it is ASCII (Bun writes strings as UTF-8). */
export type Piece = Uint8Array | string;

/** Bytes on their way to one socket, with the socket paused until they are gone. */
export interface Outbox {
  socket: Socket<unknown> | null;
  /** Bytes gathered in this turn, written as one (commit): one syscall per answer, not per piece. */
  staged: Piece[];
  /** The last staged range, still open to growing: `run.subarray(runStart, runEnd)`. */
  run: Uint8Array | null;
  runStart: number;
  runEnd: number;
  queue: Piece[];
  paused: Socket<unknown> | null;
  endWhenFlushed: boolean;
}

export const outbox = (socket: Socket<unknown> | null): Outbox => ({
  socket,
  staged: [],
  run: null,
  runStart: 0,
  runEnd: 0,
  queue: [],
  paused: null,
  endWhenFlushed: false,
});

/**
 * Adds `bytes[start, end)` to this turn's write. Ranges that follow each other in one
 * buffer (an answer's head and the start of its body) stay one view, with no copy; reading
 * a typed array's `.buffer` to find that out would cost more than the copy.
 */
export function stage(out: Outbox, bytes: Piece, start = 0, end = bytes.length): void {
  if (end <= start) return;
  if (typeof bytes === "string") {
    closeRun(out);
    out.staged.push(bytes);
    return;
  }
  if (out.run === bytes && out.runEnd === start) {
    out.runEnd = end;
    return;
  }
  closeRun(out);
  out.run = bytes;
  out.runStart = start;
  out.runEnd = end;
}

function closeRun(out: Outbox): void {
  const run = out.run;
  if (run === null) return;
  out.staged.push(
    out.runStart === 0 && out.runEnd === run.length ? run : run.subarray(out.runStart, out.runEnd),
  );
  out.run = null;
}

/** Writes what was staged, as one piece. */
export function commit(out: Outbox, source: Socket<unknown> | null): void {
  closeRun(out);
  const staged = out.staged;
  if (staged.length === 0) return;
  const one = staged.length === 1 ? (staged[0] as Piece) : Buffer.concat(staged.map(bytesOf));
  staged.length = 0;
  send(out, one, source);
}

/** Writes what it can now; queues the rest and pauses `source` until `flush` empties it. */
export function send(out: Outbox, bytes: Piece, source: Socket<unknown> | null): void {
  if (bytes.length === 0) return;
  if (out.socket === null || out.queue.length > 0) {
    out.queue.push(bytes);
    pause(out, source);
    return;
  }
  const written = out.socket.write(bytes);
  if (written >= 0 && written < bytes.length) {
    out.queue.push(written === 0 ? bytes : bytesOf(bytes).subarray(written));
    pause(out, source);
  }
}

function pause(out: Outbox, source: Socket<unknown> | null): void {
  if (source && out.paused === null) {
    out.paused = source;
    source.pause();
  }
}

export function flush(out: Outbox): void {
  const socket = out.socket;
  if (socket === null) return;
  while (out.queue.length > 0) {
    const bytes = out.queue[0] as Piece;
    const written = socket.write(bytes);
    if (written < 0) return;
    if (written < bytes.length) {
      out.queue[0] = bytesOf(bytes).subarray(written);
      return;
    }
    out.queue.shift();
  }
  if (out.paused) {
    out.paused.resume();
    out.paused = null;
  }
  if (out.endWhenFlushed) socket.end();
}

/** Forgets what was staged or queued (its socket is being closed). */
export function discard(out: Outbox): void {
  out.queue = [];
  out.staged = [];
  out.run = null;
}

/** Ends the socket once what is queued for it is written. */
export function endAfterFlush(out: Outbox): void {
  commit(out, null);
  out.endWhenFlushed = true;
  if (out.queue.length === 0) out.socket?.end();
}

export const latin1 = (text: string) => Buffer.from(text, "latin1");
const bytesOf = (piece: Piece): Uint8Array => (typeof piece === "string" ? latin1(piece) : piece);
const NOT_ASCII = /[^\x00-\x7f]/;
/** A head to write: as it is when ASCII, else its latin-1 bytes. */
export const headPiece = (text: string): Piece => (NOT_ASCII.test(text) ? latin1(text) : text);
