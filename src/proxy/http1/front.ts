/**
 * The proxy's public listener: raw HTTP/1.1 over Bun's TCP sockets. It reads each request
 * head, decides where the exchange goes — straight to the routed instance, or to the
 * proxy's own server (Bun.serve: /__hotreload/, websockets, held requests, status pages,
 * pages that get the live-reload script) — and then passes the bytes on as they come, in
 * both directions, counting them only to know where each request and each response ends.
 * That is what lets a swap move a keep-alive connection to the new instance between two
 * exchanges, and a drain wait for exchanges rather than connections; and it costs a few
 * string operations per request instead of a Request, a fetch and a Response.
 *
 * Per client connection there is at most one upstream connection at a time (to the
 * instance or to the own server); the next request reuses it when it goes to the same
 * place, otherwise it is closed (it is idle then) and a new one opened. Backpressure both
 * ways: what a socket cannot take yet is queued and its source paused until `drain`.
 * A request that found a reused upstream connection closed before any answer byte (the
 * instance's idle timeout raced it) is sent again once on a new connection when its method
 * is idempotent and it was small enough to keep.
 */
import { isAscii } from "node:buffer";
import type { Socket, TCPSocketListener } from "bun";
import type { Logger } from "../../log.ts";
import type { InstanceTraffic, Running } from "../instance-traffic.ts";
import { failureReason, instanceLabel } from "../upstream-failure.ts";
import { type AnswerReader, BLANK_LINE, createAnswerReader, MAX_HEAD } from "./answer-reader.ts";
import { type ChunkedScanner, createChunkedScanner } from "./chunked.ts";
import {
  commit,
  discard,
  endAfterFlush,
  flush,
  headPiece,
  latin1,
  type Outbox,
  outbox,
  type Piece,
  send,
  stage,
} from "./outbox.ts";
import { plainAnswer, REASONS } from "./plain-answer.ts";
import { instanceHead, ownServerHead, parseRequestHead, type RequestHead } from "./request-head.ts";

/** A routed instance: the engine's id and its loopback port. */
export interface Upstream {
  readonly id: number;
  readonly port: number;
}

export interface FrontOptions {
  host: string;
  port: number;
  /** The instance for this request, or null for the proxy's own server. */
  choose(head: RequestHead): Upstream | null;
  /** The own server's loopback port. */
  ownPort: number;
  /** Proves to the own server that the client address in PEER_HEADER is ours. */
  peerToken: string;
  traffic: InstanceTraffic;
  /** See forward-http.ts: the first failure of a kind per instance at warn. */
  reportFailure(key: string, message: string): void;
  log: Logger;
  /** How long a connection may wait for (the rest of) a request head; default 120 s. */
  idleSeconds?: number;
}

export interface Front {
  readonly port: number;
  /** Stops listening and closes every connection. */
  stop(): void;
}

/** Requests up to this size are kept until the answer starts, to send again (see above). */
const REPLAY_MAX = 64 * 1024;
/** Idle keep-alive connections, and heads that stop coming, are closed after this long (seconds). */
const IDLE_SECONDS = 120;
const reasonOf = (error: unknown) => failureReason(error, "closed the connection");
const REPLAYABLE = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"]);

/** Where a client connection is in its current exchange. */
const Phase = { Head: 0, Body: 1, Waiting: 2, Tunnel: 3, Closed: 4 } as const;

interface Conn {
  client: Socket<Conn>;
  ip: string;
  out: Outbox;
  buf: Buffer | null;
  phase: number;
  head: RequestHead | null;
  remaining: number;
  chunks: ChunkedScanner | null;
  requestDone: boolean;
  up: Up | null;
  /** The instance the current exchange is in flight on (-1: none, or the own server). */
  inFlight: number;
  /** This connection as the instance's traffic counts it (one object for all its exchanges). */
  running: Running;
  /** The request's pieces so far, while `replayable`. */
  replay: Piece[];
  replayable: boolean;
  replayBytes: number;
  retried: boolean;
  /** Reading is paused because a pipelined request waits for this exchange to end. */
  pipelined: boolean;
}

interface Up {
  conn: Conn;
  port: number;
  /** Instance id; 0 for the own server. */
  id: number;
  out: Outbox;
  open: boolean;
  dead: boolean;
  /** It served an exchange before the current one. */
  reused: boolean;
  reader: AnswerReader;
}

export function createFront(o: FrontOptions): Front {
  const idleSeconds = o.idleSeconds ?? IDLE_SECONDS;
  /** Answers the client itself and closes once written: malformed requests, 502. */
  function answerAndClose(conn: Conn, status: number, line: string): void {
    conn.phase = Phase.Closed;
    conn.buf = null;
    stage(conn.out, plainAnswer(status, REASONS[status] ?? "Error", line));
    commit(conn.out, null);
    endAfterFlush(conn.out);
  }

  function pump(conn: Conn): void {
    pumpTurn(conn);
    if (conn.up) commit(conn.up.out, conn.client);
  }

  function pumpTurn(conn: Conn): void {
    for (;;) {
      const buf = conn.buf;
      if (buf === null) return;
      switch (conn.phase) {
        case Phase.Head: {
          let start = 0;
          // RFC 9112 §2.2: empty lines before a request line are ignored.
          while (buf[start] === 13 && buf[start + 1] === 10) start += 2;
          const end = buf.indexOf(BLANK_LINE, start);
          // Too large whether its end is still to come or arrived in the same read.
          if ((end === -1 ? buf.length : end) - start > MAX_HEAD) {
            answerAndClose(conn, 431, "hotreload proxy: the request head is too large");
            return;
          }
          if (end === -1) {
            conn.buf = start === 0 ? buf : start < buf.length ? buf.subarray(start) : null;
            return;
          }
          const parsed = parseRequestHead(buf.toString("latin1", start, end));
          if (!parsed.ok) {
            answerAndClose(conn, parsed.status, `hotreload proxy: ${parsed.reason}`);
            return;
          }
          // All of what came is ASCII (as a head nearly always is): its head can be written
          // as the string it is, without looking for other characters in it again.
          const ascii = isAscii(buf);
          conn.buf = end + 4 < buf.length ? buf.subarray(end + 4) : null;
          begin(conn, parsed.head, ascii);
          break;
        }
        case Phase.Body: {
          const up = conn.up as Up;
          let take: number;
          if (conn.chunks) {
            const end = conn.chunks.feed(buf, 0);
            if (conn.chunks.error) {
              cutBoth(conn, `a malformed chunked body (${conn.chunks.error})`);
              return;
            }
            take = end === -1 ? buf.length : end;
            if (end !== -1) conn.requestDone = true;
          } else {
            take = Math.min(conn.remaining, buf.length);
            conn.remaining -= take;
            if (conn.remaining === 0) conn.requestDone = true;
          }
          if (conn.replayable)
            keepForReplay(conn, take === buf.length ? buf : buf.subarray(0, take));
          stage(up.out, buf, 0, take);
          conn.buf = take < buf.length ? buf.subarray(take) : null;
          if (conn.requestDone) conn.phase = Phase.Waiting;
          break;
        }
        case Phase.Tunnel:
          conn.buf = null;
          if (conn.up) stage(conn.up.out, buf);
          return;
        case Phase.Waiting:
          // A pipelined request: read on once this exchange is over. Paused again each time:
          // an outbox's flush resumes the client when its own backpressure ends.
          conn.pipelined = true;
          conn.client.pause();
          return;
        default:
          conn.buf = null;
          return;
      }
    }
  }

  function keepForReplay(conn: Conn, bytes: Piece): void {
    if (!conn.replayable) return;
    conn.replayBytes += bytes.length;
    if (conn.replayBytes > REPLAY_MAX) {
      conn.replayable = false;
      conn.replay.length = 0;
    } else conn.replay.push(bytes);
  }

  function begin(conn: Conn, head: RequestHead, ascii: boolean): void {
    const target = o.choose(head);
    const port = target ? target.port : o.ownPort;
    const id = target ? target.id : 0;
    const text = target
      ? instanceHead(head, conn.ip, "http")
      : ownServerHead(head, `${o.peerToken} ${conn.ip}`);
    const bytes = ascii ? text : headPiece(text);
    let up = conn.up;
    if (up && (up.port !== port || up.id !== id || up.dead)) {
      dropUp(up);
      up = null;
    }
    if (up) up.reused = true;
    else up = connect(conn, port, id);
    conn.client.timeout(0);
    conn.head = head;
    conn.retried = false;
    conn.replay.length = 0;
    conn.replayable = REPLAYABLE.has(head.method);
    conn.replayBytes = 0;
    if (target) {
      conn.inFlight = target.id;
      o.traffic.enter(target.id, conn.running);
    }
    up.reader.expect(head.method === "HEAD", head.keepAlive10);
    keepForReplay(conn, bytes);
    stage(up.out, bytes);
    conn.remaining = head.body.kind === "length" ? head.body.length : 0;
    conn.chunks = head.body.kind === "chunked" ? createChunkedScanner() : null;
    conn.requestDone = head.body.kind === "none";
    conn.phase = conn.requestDone ? Phase.Waiting : Phase.Body;
  }

  function connect(conn: Conn, port: number, id: number): Up {
    const up: Up = {
      conn,
      port,
      id,
      out: outbox(null),
      open: false,
      dead: false,
      reused: false,
      reader: createAnswerReader({
        pass: (bytes, start, end) => stage(conn.out, bytes, start, end),
        passHead: (head) => stage(conn.out, latin1(head)),
        answered: () => answered(up),
        switched() {
          conn.phase = Phase.Tunnel;
          leaveExchange(conn);
          if (conn.buf) pump(conn);
          // Bytes behind the upgrade request paused the client as a pipelined request would.
          resumePipelined(conn, up);
        },
        failed(reason, passed) {
          if (conn.head === null) {
            // Between two exchanges: only this upstream connection is out of step (as Go's
            // Transport does with an unsolicited answer); the client's stays.
            o.log.debug(`proxy: an idle connection to 127.0.0.1:${up.port} dropped: ${reason}`);
            return dropUp(up);
          }
          if (passed) return cutBoth(conn, reason);
          // Nothing reached the client yet: it gets a 502 saying what the instance sent.
          upGone(up, new Error(reason));
          up.out.socket?.terminate();
        },
      }),
    };
    conn.up = up;
    Bun.connect<Up>({ hostname: "127.0.0.1", port, data: up, socket: upHandlers }).catch(() => {
      // connectError has answered the client; this keeps the rejection from going unhandled.
      o.log.debug(`proxy: the connection to 127.0.0.1:${port} did not open (said above)`);
    });
    return up;
  }

  /** Forgets an idle upstream connection and closes it. */
  function dropUp(up: Up): void {
    up.dead = true;
    up.reader.stop();
    if (up.conn.up === up) up.conn.up = null;
    release(up);
    discard(up.out);
    up.out.socket?.terminate();
  }

  /**
   * Backpressure through `up` ends with it: the client it paused reads again, and the
   * client's outbox pauses the next upstream instead of this one (else nothing would).
   */
  function release(up: Up): void {
    const conn = up.conn;
    if (conn.out.paused !== null && conn.out.paused === up.out.socket) conn.out.paused = null;
    const paused = up.out.paused;
    up.out.paused = null;
    paused?.resume();
  }

  /** Reads on after a pipelined pause, unless `up`'s own backpressure still holds the client. */
  function resumePipelined(conn: Conn, up: Up | null): void {
    if (!conn.pipelined) return;
    conn.pipelined = false;
    if (up?.out.paused !== conn.client) conn.client.resume();
  }

  function leaveExchange(conn: Conn): void {
    if (conn.inFlight === -1) return;
    const id = conn.inFlight;
    conn.inFlight = -1;
    o.traffic.leave(id, conn.running);
  }

  /** The exchange is over on both sides: the next request may start. */
  function finish(conn: Conn): void {
    leaveExchange(conn);
    conn.replayable = false;
    conn.replay.length = 0;
    const head = conn.head;
    conn.head = null;
    const up = conn.up;
    if (up?.reader.closeAfter) dropUp(up);
    if (head?.close) {
      conn.phase = Phase.Closed;
      endAfterFlush(conn.out);
      return;
    }
    conn.phase = Phase.Head;
    conn.client.timeout(idleSeconds);
    resumePipelined(conn, up);
    if (conn.buf) pump(conn);
  }

  /** The answer ended before the request did: the rest of the body has nowhere to go. */
  function answeredEarly(conn: Conn): void {
    leaveExchange(conn);
    conn.phase = Phase.Closed;
    if (conn.up) dropUp(conn.up);
    endAfterFlush(conn.out);
  }

  function cutBoth(conn: Conn, why: string): void {
    o.log.debug(`proxy: connection cut: ${why}`);
    conn.phase = Phase.Closed;
    leaveExchange(conn);
    if (conn.up) dropUp(conn.up);
    conn.client.terminate();
  }

  function cutByDrain(conn: Conn): void {
    const up = conn.up;
    if (up && !up.reader.started) {
      leaveExchange(conn);
      dropUp(up);
      answerAndClose(
        conn,
        502,
        `hotreload proxy: ${instanceLabel(up)} cut at the end of its drain`,
      );
      return;
    }
    cutBoth(conn, "cut at the end of its drain");
  }

  /** The upstream connection ended (or never opened) while `conn` was using it. */
  function upGone(up: Up, error: unknown): void {
    if (up.dead) return;
    up.dead = true;
    const conn = up.conn;
    if (conn.up === up) conn.up = null;
    release(up);
    if (conn.phase === Phase.Closed) return;
    const reader = up.reader;
    if (reader.idle) return;
    if (reader.tunnel) {
      conn.phase = Phase.Closed;
      endAfterFlush(conn.out);
      return;
    }
    if (reader.untilClose) {
      leaveExchange(conn);
      conn.phase = Phase.Closed;
      endAfterFlush(conn.out);
      return;
    }
    reader.stop();
    if (!reader.started) {
      if (up.reused && conn.replayable && !conn.retried) {
        const replay = conn.replay;
        conn.retried = true;
        const fresh = connect(conn, up.port, up.id);
        fresh.reader.expect(conn.head?.method === "HEAD", conn.head?.keepAlive10);
        for (const bytes of replay) send(fresh.out, bytes, conn.client);
        return;
      }
      leaveExchange(conn);
      const reason = reasonOf(up.open ? error : (error ?? { code: "ECONNREFUSED" }));
      const where = up.id === 0 ? "its own server" : instanceLabel(up);
      const line = `hotreload proxy: ${where} ${reason}`;
      o.reportFailure(`${up.id} ${reason}`, `${conn.head?.method} ${conn.head?.target}: ${line}`);
      answerAndClose(conn, 502, line);
      return;
    }
    cutBoth(conn, `the upstream ended mid-answer (${reasonOf(error)})`);
  }

  /** Bytes of the current answer from the upstream connection. */
  function answer(up: Up, data: Buffer): void {
    up.reader.feed(data);
    commit(up.conn.out, up.out.socket);
  }

  /** The answer is complete. */
  function answered(up: Up): void {
    const conn = up.conn;
    commit(conn.out, up.out.socket);
    if (conn.requestDone) finish(conn);
    else answeredEarly(conn);
  }

  const upHandlers = {
    open(socket: Socket<Up>) {
      const up = socket.data;
      if (up.dead) {
        socket.terminate();
        return;
      }
      up.open = true;
      up.out.socket = socket as Socket<unknown>;
      flush(up.out);
    },
    data(socket: Socket<Up>, data: Buffer) {
      const up = socket.data;
      if (!up.dead) answer(up, data);
    },
    drain(socket: Socket<Up>) {
      flush(socket.data.out);
    },
    close(socket: Socket<Up>, error?: Error) {
      upGone(socket.data, error);
    },
    connectError(socket: Socket<Up>, error: Error) {
      upGone(socket.data, error);
    },
    error(_socket: Socket<Up>, error: Error) {
      o.log.debug(`proxy: upstream socket: ${error.message}`);
    },
  };

  const listener: TCPSocketListener<Conn> = Bun.listen<Conn>({
    hostname: o.host,
    port: o.port,
    socket: {
      open(client) {
        client.data = {
          client,
          ip: client.remoteAddress,
          out: outbox(client as Socket<unknown>),
          buf: null,
          phase: Phase.Head,
          head: null,
          remaining: 0,
          chunks: null,
          requestDone: true,
          up: null,
          inFlight: -1,
          running: { cut: () => cutByDrain(client.data) },
          replay: [],
          replayable: false,
          replayBytes: 0,
          retried: false,
          pipelined: false,
        };
        client.timeout(idleSeconds);
      },
      data(client, data) {
        const conn = client.data;
        if (conn.phase === Phase.Tunnel && conn.up) {
          send(conn.up.out, data, client as Socket<unknown>);
          return;
        }
        conn.buf = conn.buf ? Buffer.concat([conn.buf, data]) : data;
        pump(conn);
      },
      drain(client) {
        flush(client.data.out);
      },
      timeout(client) {
        const conn = client.data;
        if (conn.phase !== Phase.Head) return;
        // Idle between requests: close. Half a head that stopped coming: say so, then close.
        if (conn.buf === null) client.end();
        else answerAndClose(conn, 408, "hotreload proxy: the rest of the request head never came");
      },
      close(client) {
        const conn = client.data;
        conn.phase = Phase.Closed;
        leaveExchange(conn);
        if (conn.up) dropUp(conn.up);
      },
      error(_client, error) {
        o.log.debug(`proxy: client socket: ${error.message}`);
      },
    },
  });

  return {
    port: listener.port,
    stop() {
      listener.stop(true);
    },
  };
}
