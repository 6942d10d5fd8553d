/**
 * The proxy stage against real upstreams: `await using proxy = await startProxy()` and
 * `await using up = startUpstream("a", handler)` clean up after themselves. Raw-socket
 * helpers send exactly the bytes a test names (hop-by-hop headers, absolute-form request
 * lines) and wait for complete answers, never for a fixed time.
 */
import { connect, type Socket } from "node:net";
import type { Socket as BunSocket, Server, WebSocketHandler } from "bun";
import { silentLogger } from "../../src/log.ts";
import { type AppProxy, createProxy, type ProxyOptions } from "../../src/proxy/proxy.ts";

export type TestProxy = AppProxy & AsyncDisposable;

export async function startProxy(overrides: Partial<ProxyOptions> = {}): Promise<TestProxy> {
  const created = await createProxy({
    host: "127.0.0.1",
    port: 0,
    allowedHosts: [],
    log: silentLogger,
    holdMax: 100,
    holdTimeoutMs: 10_000,
    ...overrides,
  });
  if (!created.ok) throw new Error(created.error.message);
  const proxy = created.value;
  return Object.assign(proxy, { [Symbol.asyncDispose]: () => proxy.close() });
}

export interface Upstream extends AsyncDisposable {
  readonly server: Server<unknown>;
  readonly port: number;
  readonly target: { id: number; port: number };
  /** Requests this upstream answered. */
  readonly served: number;
}

let nextId = 1;

/** A Bun.serve upstream; the default handler answers with its name. */
export function startUpstream(
  name: string,
  fetch: (req: Request, server: Server<unknown>) => Response | Promise<Response> | undefined = () =>
    new Response(name),
  websocket?: WebSocketHandler<unknown>,
): Upstream {
  let served = 0;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0,
    maxRequestBodySize: Number.MAX_SAFE_INTEGER,
    fetch(req, srv) {
      served++;
      return fetch(req, srv);
    },
    websocket: websocket ?? { message() {} },
  } as Parameters<typeof Bun.serve>[0]) as Server<unknown>;
  const port = server.port as number;
  return {
    server,
    port,
    target: { id: nextId++, port },
    get served() {
      return served;
    },
    [Symbol.asyncDispose]: () => server.stop(true),
  };
}

/** An upstream that answers with its name and what it received (method, path, headers, body). */
export function startEchoUpstream(name: string): Upstream {
  return startUpstream(name, async (req) =>
    Response.json({
      name,
      method: req.method,
      path: new URL(req.url).pathname,
      headers: Object.fromEntries(req.headers),
      body: await req.text(),
    }),
  );
}

/** A raw `GET path` to Host app.test, with more header `lines`, blank line included. */
export const getRequest = (path: string, ...lines: string[]): string =>
  [`GET ${path} HTTP/1.1`, "Host: app.test", ...lines, "", ""].join("\r\n");

/** A raw 200 answer with `body`, Content-Length framed. */
export const okAnswer = (body: string): string =>
  `HTTP/1.1 200 OK\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

/** A promise and the function that resolves it: what a handler waits for. */
export function gate(): { promise: Promise<void>; open(): void } {
  let open: () => void = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** One complete HTTP/1.1 response read off a raw socket. */
export interface RawResponse {
  status: number;
  headers: Map<string, string>;
  body: string;
}

/** A raw client connection: send bytes, read one response at a time (keep-alive). */
export function rawConnection(port: number): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port }, () => resolve(createRawClient(socket)));
    socket.once("error", reject);
  });
}

export interface RawClient extends Disposable {
  send(text: string): void;
  sendBytes(bytes: Uint8Array): void;
  /**
   * Sends `size` bytes of "x" in 64 KB pieces, each once the socket took the one before
   * (backpressure): `sent` stops growing when the proxy stops reading.
   */
  stream(size: number): { readonly sent: number };
  /** Resolves once the proxy has closed the connection (all bytes received first). */
  closed(deadlineMs?: number): Promise<void>;
  /** The next complete response (Content-Length framed or ended by close); skips 100s. */
  response(deadlineMs?: number): Promise<RawResponse>;
  /** The next response to a HEAD request: its head only, whatever its Content-Length says. */
  headResponse(deadlineMs?: number): Promise<RawResponse>;
  /** Resolves once the bytes received so far contain `text`. */
  received(text: string, deadlineMs?: number): Promise<void>;
}

function createRawClient(socket: Socket): RawClient {
  let buffer = "";
  let closed = false;
  let wake: (() => void) | null = null;
  socket.setEncoding("latin1");
  socket.on("data", (chunk: string) => {
    buffer += chunk;
    wake?.();
  });
  socket.on("close", () => {
    closed = true;
    wake?.();
  });
  socket.on("error", () => {
    closed = true;
    wake?.();
  });
  function parse(noBody = false): RawResponse | null {
    const end = buffer.indexOf("\r\n\r\n");
    if (end === -1) return null;
    const [statusLine = "", ...lines] = buffer.slice(0, end).split("\r\n");
    const headers = new Map<string, string>();
    for (const line of lines) {
      const colon = line.indexOf(":");
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const status = Number(statusLine.split(" ")[1]);
    const length = Number(headers.get("content-length") ?? Number.NaN);
    const rest = buffer.slice(end + 4);
    if (status === 100) {
      buffer = rest;
      return parse(noBody);
    }
    if (noBody) {
      buffer = rest;
      return { status, headers, body: "" };
    }
    if (Number.isFinite(length)) {
      if (rest.length < length) return null;
      buffer = rest.slice(length);
      return { status, headers, body: rest.slice(0, length) };
    }
    if (!closed) return null;
    buffer = "";
    return { status, headers, body: rest };
  }
  async function next<T>(found: () => T | null, what: string, deadlineMs: number): Promise<T> {
    const deadline = Date.now() + deadlineMs;
    for (;;) {
      const value = found();
      if (value !== null) return value;
      if (closed)
        throw new Error(`connection closed before ${what}; received: ${JSON.stringify(buffer)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what}; received: ${JSON.stringify(buffer)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  }
  return {
    send: (text) => socket.write(text),
    sendBytes: (bytes) => socket.write(bytes),
    stream(size) {
      const piece = "x".repeat(64 * 1024);
      let sent = 0;
      const more = () => {
        while (sent < size) {
          const bytes = Math.min(piece.length, size - sent);
          sent += bytes;
          if (!socket.write(bytes === piece.length ? piece : piece.slice(0, bytes))) {
            socket.once("drain", more);
            return;
          }
        }
      };
      more();
      return {
        get sent() {
          return sent;
        },
      };
    },
    closed: (deadlineMs = 5000) =>
      next(() => (closed ? true : null), "the connection's close", deadlineMs).then(() => {}),
    response: (deadlineMs = 5000) => next(parse, "complete response", deadlineMs),
    headResponse: (deadlineMs = 5000) => next(() => parse(true), "response head", deadlineMs),
    received: (text, deadlineMs = 5000) =>
      next(() => (buffer.includes(text) ? true : null), JSON.stringify(text), deadlineMs).then(
        () => {},
      ),
    [Symbol.dispose]: () => socket.destroy(),
  };
}

/** A request as a raw upstream read it: which of its connections, the head, the body. */
export interface RawRequest {
  /** 1 for the first connection the upstream accepted, and so on. */
  readonly connection: number;
  /** Its index among the requests of its connection, from 1. */
  readonly nth: number;
  readonly head: string;
  readonly body: string;
}

/** What a raw upstream does with a request: write these bytes, and maybe close then. */
export type RawAnswer =
  | string
  | { readonly write?: string; readonly close: true }
  /** Stop reading the connection (what follows stays unread), and answer once `later` settles. */
  | { readonly later: Promise<RawAnswer> };

export interface RawUpstream extends AsyncDisposable {
  readonly port: number;
  readonly target: { id: number; port: number };
  /** Every request received, in order. */
  readonly requests: readonly RawRequest[];
  /** Connections accepted so far. */
  readonly connections: number;
  /** Connections it closed after `idleCloseMs` without a request. */
  readonly idleClosed: number;
}

/**
 * An upstream on a raw TCP listener, for answers Bun.serve would never give (garbage, a
 * close instead of an answer, Connection: close): `answer` says what each request gets.
 * It reads Content-Length bodies only; with `unreadBodies`, a request is answered as soon as
 * its head is in (its body is "", and meant to stay unread: answer with `later`). With
 * `idleCloseMs`, it closes a connection that has waited that long for its next request (an
 * instance's keep-alive idle timeout).
 */
export function startRawUpstream(
  answer: (req: RawRequest) => RawAnswer,
  o: { unreadBodies?: boolean; idleCloseMs?: number } = {},
): RawUpstream {
  const requests: RawRequest[] = [];
  let connections = 0;
  let idleClosed = 0;
  interface State {
    connection: number;
    nth: number;
    buffer: string;
    idle: Timer | null;
  }
  /** Arms the idle timeout after an answer, when one is set. */
  const idleAfterAnswer = (socket: BunSocket<State>) => {
    const ms = o.idleCloseMs;
    if (ms === undefined) return;
    socket.data.idle = setTimeout(() => {
      idleClosed++;
      socket.end();
    }, ms);
  };
  const listener = Bun.listen<State>({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      open(socket) {
        socket.data = { connection: ++connections, nth: 0, buffer: "", idle: null };
      },
      close(socket) {
        if (socket.data.idle) clearTimeout(socket.data.idle);
      },
      data(socket, data) {
        const state = socket.data;
        if (state.idle) clearTimeout(state.idle);
        state.idle = null;
        state.buffer += data.toString("latin1");
        for (;;) {
          const end = state.buffer.indexOf("\r\n\r\n");
          if (end === -1) return;
          const head = state.buffer.slice(0, end);
          const length = o.unreadBodies
            ? 0
            : Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
          if (state.buffer.length < end + 4 + length) return;
          const body = state.buffer.slice(end + 4, end + 4 + length);
          state.buffer = state.buffer.slice(end + 4 + length);
          const req = { connection: state.connection, nth: ++state.nth, head, body };
          requests.push(req);
          if (!act(socket, answer(req))) return;
        }
      },
    },
  });
  /** Does what `action` says; false when the connection reads no further. */
  function act(socket: BunSocket<State>, action: RawAnswer): boolean {
    if (typeof action === "string") {
      socket.write(action);
      idleAfterAnswer(socket);
      return true;
    }
    if ("later" in action) {
      socket.pause();
      void action.later.then((next) => act(socket, next));
      return false;
    }
    if (action.write) socket.write(action.write);
    socket.end();
    return false;
  }
  return {
    port: listener.port,
    target: { id: nextId++, port: listener.port },
    requests,
    get connections() {
      return connections;
    },
    get idleClosed() {
      return idleClosed;
    },
    [Symbol.asyncDispose]: async () => listener.stop(true),
  };
}

/** Resolves when `predicate` holds, checking on every turn of the event loop; fails at the deadline with `what`. */
export async function until(
  predicate: () => boolean | Promise<boolean>,
  what: string,
  deadlineMs = 5000,
): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** How many requests the proxy holds right now (from /__hotreload/status). */
export async function heldRequests(proxy: AppProxy): Promise<number> {
  const res = await fetch(`${proxy.url}/__hotreload/status`);
  return ((await res.json()) as { held: number }).held;
}

/**
 * Resolves once `progress()` has not changed for `quietMs` (a writer blocked by
 * backpressure), checking every 20 ms; fails at the deadline.
 */
export async function untilStalled(
  progress: () => number,
  what: string,
  quietMs = 300,
  deadlineMs = 10_000,
): Promise<number> {
  const deadline = Date.now() + deadlineMs;
  let last = progress();
  let since = Date.now();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 20)); // polling interval of a deadline-bounded wait
    const now = progress();
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) return now;
    if (Date.now() > deadline) throw new Error(`${what}: still moving (${now}) at the deadline`);
  }
}

export interface Load {
  /** One line per failed request: a non-2xx answer, an unexpected body, a thrown error. */
  readonly failures: string[];
  readonly ok: number;
  stop(): Promise<void>;
}

/**
 * `clients` loops of keep-alive requests through the proxy until stop(): request `i` of a
 * loop is `request(i)`; an answer counts as served when it is a 200 and `accept(body)`.
 */
export function startLoad(
  proxy: AppProxy,
  o: {
    clients: number;
    request(i: number): { path: string; init?: RequestInit };
    accept(body: string): boolean;
  },
): Load {
  let ok = 0;
  let running = true;
  const failures: string[] = [];
  const loop = async (n: number) => {
    for (let i = 0; running; i++) {
      const { path, init } = o.request(i);
      try {
        const res = await fetch(`${proxy.url}${path}`, init);
        const text = await res.text();
        if (res.status === 200 && o.accept(text)) ok++;
        else failures.push(`loop ${n} ${path}: ${res.status} ${text.slice(0, 120)}`);
      } catch (error) {
        failures.push(`loop ${n} ${path}: ${String(error)}`);
      }
    }
  };
  const loops = Array.from({ length: o.clients }, (_, n) => loop(n));
  return {
    failures,
    get ok() {
      return ok;
    },
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}
