/**
 * Reads the answers on one upstream connection as they arrive, in pieces of any size, and
 * says where each one ends (RFC 9112 §6.3): after its head for HEAD, 1xx, 204 and 304,
 * after Content-Length bytes, after the last chunk and the trailers, or when the
 * connection closes. The bytes themselves are passed on untouched, as ranges of the
 * buffers they came in (only a head with hop-by-hop headers is rewritten). A 101 turns the
 * connection into a tunnel. Pure: no IO; the sink does the writing.
 */
import { type ChunkedScanner, createChunkedScanner } from "./chunked.ts";
import { parseResponseBytes } from "./response-head.ts";

export interface AnswerSink {
  /** `bytes[start, end)` go to the client as they are. */
  pass(bytes: Buffer, start: number, end: number): void;
  /** A rewritten head (latin-1) goes to the client. */
  passHead(head: string): void;
  /** The answer is complete (the connection may carry the next exchange now). */
  answered(): void;
  /** 101 Switching Protocols: from now on, both ways are a tunnel. */
  switched(): void;
  /** The answer is malformed; `passed`: some of it already went to the client. */
  failed(reason: string, passed: boolean): void;
}

const Reading = {
  Idle: 0,
  Head: 1,
  Length: 2,
  Chunked: 3,
  UntilClose: 4,
  Tunnel: 5,
  Stopped: 6,
} as const;

export interface AnswerReader {
  /**
   * The next answer is for a request; `head`: a HEAD request (its answer has no body);
   * `keepAlive10`: an HTTP/1.0 client that keeps the connection (its answer says so).
   */
  expect(head: boolean, keepAlive10?: boolean): void;
  feed(data: Buffer): void;
  /** Ignore anything that still comes (the connection is being dropped). */
  stop(): void;
  /** No answer is expected or under way. */
  readonly idle: boolean;
  /** The current answer ends when the connection closes (no length, not chunked). */
  readonly untilClose: boolean;
  readonly tunnel: boolean;
  /** A byte of the current answer has gone to the client. */
  readonly started: boolean;
  /** The upstream closes the connection after the current answer. */
  readonly closeAfter: boolean;
}

/** Heads larger than this are refused: no server sends that much before a body. */
export const MAX_HEAD = 64 * 1024;
/** The end of a head. */
export const BLANK_LINE = Buffer.from("\r\n\r\n");

export function createAnswerReader(sink: AnswerSink): AnswerReader {
  let reading: number = Reading.Idle;
  let isHead = false;
  let keepAlive10 = false;
  let pending: Buffer | null = null;
  let remaining = 0;
  let chunks: ChunkedScanner | null = null;
  let started = false;
  let closeAfter = false;

  const fail = (reason: string) => {
    reading = Reading.Stopped;
    sink.failed(reason, started);
  };
  const done = () => {
    reading = Reading.Idle;
    sink.answered();
  };

  return {
    expect(head, keepAlive = false) {
      reading = Reading.Head;
      isHead = head;
      keepAlive10 = keepAlive;
      pending = null;
      started = false;
      closeAfter = false;
    },
    stop() {
      reading = Reading.Stopped;
    },
    get idle() {
      return reading === Reading.Idle;
    },
    get untilClose() {
      return reading === Reading.UntilClose;
    },
    get tunnel() {
      return reading === Reading.Tunnel;
    },
    get started() {
      return started;
    },
    get closeAfter() {
      return closeAfter;
    },
    feed(data) {
      // `buf` from `offset` on is what is left to read; a head split over reads is joined.
      let buf = data;
      let offset = 0;
      while (offset < buf.length) {
        switch (reading) {
          case Reading.Head: {
            if (pending) {
              buf = Buffer.concat([pending, buf.subarray(offset)]);
              offset = 0;
              pending = null;
            }
            // An empty line before a status line: an older server's extra CRLF after a body.
            while (buf[offset] === 13 && buf[offset + 1] === 10) offset += 2;
            const end = buf.indexOf(BLANK_LINE, offset);
            if (end === -1) {
              if (buf.length - offset > MAX_HEAD) return fail("answered with a head too large");
              pending = buf.subarray(offset);
              return;
            }
            const parsed = parseResponseBytes(buf, offset, end, isHead);
            if (!parsed.ok) return fail(`answered with ${parsed.reason}`);
            const head = parsed.head;
            started = true;
            if (head.status === 101) {
              reading = Reading.Tunnel;
              sink.pass(buf, offset, buf.length);
              sink.switched();
              return;
            }
            // An HTTP/1.0 client reads an answer without keep-alive as the connection's last
            // (RFC 9112 §9.3), whatever the instance said about its own hop.
            const says10 = keepAlive10 && head.status >= 200 && head.body.kind !== "close";
            const rewritten = says10
              ? `${(head.rewritten ?? buf.toString("latin1", offset, end + 4)).slice(0, -2)}Connection: keep-alive\r\n\r\n`
              : head.rewritten;
            if (rewritten) sink.passHead(rewritten);
            else sink.pass(buf, offset, end + 4);
            offset = end + 4;
            // Interim answers (100 Continue, 103 Early Hints): the real one follows.
            if (head.status < 200) break;
            closeAfter = head.close;
            const body = head.body;
            if (body.kind === "none") done();
            else if (body.kind === "length") {
              reading = Reading.Length;
              remaining = body.length;
            } else if (body.kind === "chunked") {
              reading = Reading.Chunked;
              chunks = createChunkedScanner();
            } else reading = Reading.UntilClose;
            break;
          }
          case Reading.Length: {
            const take = Math.min(remaining, buf.length - offset);
            remaining -= take;
            sink.pass(buf, offset, offset + take);
            offset += take;
            if (remaining === 0) done();
            break;
          }
          case Reading.Chunked: {
            const scanner = chunks as ChunkedScanner;
            const end = scanner.feed(buf, offset);
            if (scanner.error) return fail(`a malformed chunked answer (${scanner.error})`);
            const upTo = end === -1 ? buf.length : end;
            sink.pass(buf, offset, upTo);
            offset = upTo;
            if (end !== -1) done();
            break;
          }
          case Reading.UntilClose:
          case Reading.Tunnel:
            sink.pass(buf, offset, buf.length);
            return;
          case Reading.Idle:
            // The same extra CRLF, when no answer is expected yet: skipped.
            if (buf[offset] === 13 || buf[offset] === 10) {
              offset++;
              break;
            }
            // Bytes no request asked for: the connection is out of step.
            return fail("answered what was not asked");
          default:
            return;
        }
      }
    },
  };
}
