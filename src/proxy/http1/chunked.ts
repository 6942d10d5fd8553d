/**
 * Finds where a chunked body (RFC 9112 §7.1) ends, across the pieces it arrives in, without
 * copying it: the front passes the bytes on as they are and only needs to know which byte
 * is the body's last (the CRLF after the trailer section). Pure: no IO.
 *
 *   const scan = createChunkedScanner();
 *   const end = scan.feed(bytes, 0);   // -1: the body goes on; else the index after its end
 *   if (scan.error) ...                // malformed: a size that is not hex, a missing CRLF
 */

const CR = 13;
const LF = 10;
/** 16 hex digits are more than any body; more is an attack on the counter. */
const MAX_SIZE_DIGITS = 15;

/** Where the scanner is in the grammar. */
const State = {
  Size: 0,
  Extension: 1,
  SizeLf: 2,
  Data: 3,
  DataCr: 4,
  DataLf: 5,
  TrailerStart: 6,
  Trailer: 7,
  TrailerLf: 8,
  EndLf: 9,
  Done: 10,
  Failed: 11,
} as const;

export interface ChunkedScanner {
  /** The index in `bytes` just past the body's end, or -1 when it needs more bytes. */
  feed(bytes: Uint8Array, from: number): number;
  /** Why the body is malformed (then feed returns -1 for good). */
  readonly error: string | null;
}

function hexValue(byte: number): number {
  if (byte >= 48 && byte <= 57) return byte - 48;
  const lower = byte | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

export function createChunkedScanner(): ChunkedScanner {
  let state: number = State.Size;
  let size = 0;
  let digits = 0;
  let remaining = 0;
  let error: string | null = null;
  const fail = (why: string) => {
    state = State.Failed;
    error = why;
    return -1;
  };
  return {
    get error() {
      return error;
    },
    feed(bytes, from) {
      let i = from;
      const n = bytes.length;
      while (i < n) {
        const byte = bytes[i] as number;
        switch (state) {
          case State.Size: {
            const value = hexValue(byte);
            if (value >= 0) {
              if (++digits > MAX_SIZE_DIGITS) return fail("a chunk size with too many digits");
              size = size * 16 + value;
            } else if (digits === 0) return fail("a chunk without a hexadecimal size");
            else if (byte === CR) state = State.SizeLf;
            else if (byte === 0x3b || byte === 0x20 || byte === 0x09) state = State.Extension;
            else return fail("a chunk size followed by something else than CRLF");
            break;
          }
          case State.Extension:
            if (byte === CR) state = State.SizeLf;
            else if (byte === LF) return fail("a bare LF after a chunk size");
            break;
          case State.SizeLf:
            if (byte !== LF) return fail("a CR without LF after a chunk size");
            if (size === 0) state = State.TrailerStart;
            else {
              remaining = size;
              state = State.Data;
            }
            size = 0;
            digits = 0;
            break;
          case State.Data: {
            const take = Math.min(remaining, n - i);
            remaining -= take;
            i += take;
            if (remaining === 0) state = State.DataCr;
            continue;
          }
          case State.DataCr:
            if (byte !== CR) return fail("chunk data longer than its size");
            state = State.DataLf;
            break;
          case State.DataLf:
            if (byte !== LF) return fail("a CR without LF after chunk data");
            state = State.Size;
            break;
          case State.TrailerStart:
            if (byte === CR) state = State.EndLf;
            else if (byte === LF) return fail("a bare LF in the trailer section");
            else state = State.Trailer;
            break;
          case State.Trailer:
            if (byte === CR) state = State.TrailerLf;
            else if (byte === LF) return fail("a bare LF in the trailer section");
            break;
          case State.TrailerLf:
            if (byte !== LF) return fail("a CR without LF in the trailer section");
            state = State.TrailerStart;
            break;
          case State.EndLf:
            if (byte !== LF) return fail("a CR without LF at the end of the body");
            state = State.Done;
            return i + 1;
          case State.Done:
          case State.Failed:
            return -1;
        }
        i++;
      }
      return -1;
    },
  };
}
