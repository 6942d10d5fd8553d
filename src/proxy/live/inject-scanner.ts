/**
 * Inserts a tag into an HTML byte stream before the first `</head>` (else the first
 * `</body>`, which in a document without `</head>` is the first of the two), or at the end
 * when there is neither. Bytes, not text: `<` and ASCII letters never occur inside a UTF-8
 * sequence, so no decoding is needed and everything else passes through as it came. Memory
 * is bounded: at most the few bytes of a closing tag split across two chunks are held back.
 * Pure: no IO.
 */

const LT = 0x3c;
const SLASH = 0x2f;
const GT = 0x3e;
/** `</head>` and `</body>` are 7 bytes; one less may wait for the next chunk. */
const HOLD_BACK = 6;
const NAMES = [
  [0x68, 0x65, 0x61, 0x64],
  [0x62, 0x6f, 0x64, 0x79],
] as const;

function isTagEnd(byte: number | undefined): boolean {
  return (
    byte === GT || byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d || byte === 0x0c
  );
}

/** Index of the first `</head>` or `</body>` (any case) in `data`, or -1. */
export function findClosingTag(data: Uint8Array): number {
  for (let i = data.indexOf(LT); i !== -1 && i + 6 < data.length; i = data.indexOf(LT, i + 1)) {
    if (data[i + 1] !== SLASH || !isTagEnd(data[i + 6])) continue;
    for (const name of NAMES) {
      if (
        ((data[i + 2] ?? 0) | 0x20) === name[0] &&
        ((data[i + 3] ?? 0) | 0x20) === name[1] &&
        ((data[i + 4] ?? 0) | 0x20) === name[2] &&
        ((data[i + 5] ?? 0) | 0x20) === name[3]
      )
        return i;
    }
  }
  return -1;
}

export interface Injector {
  /** The bytes that may go out now for this chunk (possibly none). */
  push(chunk: Uint8Array): Uint8Array[];
  /** What is left at the end of the body: the held-back bytes and, if not yet, the tag. */
  end(): Uint8Array[];
}

const EMPTY = new Uint8Array(0);

export function createInjector(tag: Uint8Array): Injector {
  let done = false;
  let carry: Uint8Array = EMPTY;
  const nonEmpty = (parts: Uint8Array[]) => parts.filter((p) => p.length > 0);
  return {
    push(chunk) {
      if (done) return nonEmpty([chunk]);
      let data = chunk;
      if (carry.length > 0) {
        data = new Uint8Array(carry.length + chunk.length);
        data.set(carry);
        data.set(chunk, carry.length);
      }
      const at = findClosingTag(data);
      if (at >= 0) {
        done = true;
        carry = EMPTY;
        return nonEmpty([data.subarray(0, at), tag, data.subarray(at)]);
      }
      const keep = Math.min(data.length, HOLD_BACK);
      carry = data.slice(data.length - keep);
      return nonEmpty([data.subarray(0, data.length - keep)]);
    },
    end() {
      if (done) return [];
      done = true;
      const rest = carry;
      carry = EMPTY;
      return nonEmpty([rest, tag]);
    },
  };
}

/** The injector as a stream stage. */
export function injectStream(tag: Uint8Array): TransformStream<Uint8Array, Uint8Array> {
  const injector = createInjector(tag);
  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      for (const part of injector.push(chunk)) controller.enqueue(part);
    },
    flush(controller) {
      for (const part of injector.end()) controller.enqueue(part);
    },
  });
}
