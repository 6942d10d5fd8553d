/**
 * Test helpers for the dashboard: a real server on a free port fed by a real EventBus,
 * websocket clients that collect messages, raw HTTP over a TCP socket (to send headers a
 * fetch client would fix up), and a deadline-bounded wait.
 */
import { connect } from "node:net";
import type { PageCommand, ServerMessage } from "../../src/dashboard/protocol.ts";
import { type DashboardOptions, startDashboard } from "../../src/dashboard/server.ts";
import { createEventBus, type EventBus } from "../../src/events/bus.ts";
import type { Logger } from "../../src/log.ts";

export const TEST_TOKEN = "test-token-0123456789abcdefghijklmnopqrstuv";

export interface TestDashboard {
  bus: EventBus;
  url: string;
  port: number;
  /** http://127.0.0.1:port */
  origin: string;
  token: string;
  commands: string[];
  /** Every line logged by the dashboard, "level: message". */
  logs: string[];
  wsUrl(token?: string): string;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Build `seq` of main.go, started and finished green after `durationMs`. */
export function emitGoodBuild(d: TestDashboard, seq: number, durationMs: number): void {
  d.bus.emit({ type: "build.started", seq, command: "go build", reason: "main.go changed" });
  d.bus.emit({
    type: "build.finished",
    seq,
    ok: true,
    exitCode: 0,
    signal: null,
    durationMs,
    tail: [],
  });
}

export function recordingLogger(into: string[]): Logger {
  return {
    debug: (m) => into.push(`debug: ${m}`),
    info: (m) => into.push(`info: ${m}`),
    warn: (m) => into.push(`warn: ${m}`),
    error: (m) => into.push(`error: ${m}`),
  };
}

export async function startTestDashboard(
  overrides: Partial<DashboardOptions> = {},
): Promise<TestDashboard> {
  const bus = overrides.bus ?? createEventBus();
  const commands: string[] = [];
  const logs: string[] = [];
  const token = overrides.token ?? TEST_TOKEN;
  const result = await startDashboard({
    host: "127.0.0.1",
    port: 0,
    bus,
    config: { root: "/project", build: "go build -o ./bin/app .", exec: "./bin/app" },
    onCommand: (c) => commands.push(c),
    log: recordingLogger(logs),
    ...overrides,
    token,
  });
  if (!result.ok) throw new Error(`dashboard did not start: ${result.error.message}`);
  const { port, url } = result.value;
  const close = () => result.value.close();
  return {
    bus,
    url,
    port,
    origin: `http://127.0.0.1:${port}`,
    token,
    commands,
    logs,
    wsUrl: (t = token) => `ws://127.0.0.1:${port}/ws?token=${encodeURIComponent(t)}`,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** Polls `check` until it returns a truthy value; fails with `describe()` at the deadline. */
export async function waitUntil<T>(
  check: () => T | undefined | null | false,
  describe: () => string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (performance.now() > deadline)
      throw new Error(`timed out after ${timeoutMs}ms: ${describe()}`);
    await Bun.sleep(5); // polling interval of a deadline-bounded wait, not a fixed wait
  }
}

export interface TestClient {
  ws: WebSocket;
  messages: ServerMessage[];
  closed: { code: number; reason: string } | null;
  /** Resolves with the first message (seen or future) matching. */
  next<T extends ServerMessage["type"]>(
    type: T,
    match?: (m: Extract<ServerMessage, { type: T }>) => boolean,
  ): Promise<Extract<ServerMessage, { type: T }>>;
  command(command: PageCommand | string): void;
  close(): void;
  [Symbol.dispose](): void;
}

/** A websocket client sending the given Origin (browsers always send one). */
export async function openClient(url: string, origin: string | null): Promise<TestClient> {
  const headers: Record<string, string> = origin === null ? {} : { Origin: origin };
  const ws = new WebSocket(url, { headers } as unknown as string[]);
  const client: TestClient = {
    ws,
    messages: [],
    closed: null,
    async next(type, match) {
      type M = Extract<ServerMessage, { type: typeof type }>;
      return waitUntil(
        () => client.messages.find((m): m is M => m.type === type && (!match || match(m as M))),
        () =>
          `no "${type}" message; closed=${JSON.stringify(client.closed)}; saw ${client.messages
            .map((m) => m.type)
            .join(",")}`,
      );
    },
    command(command) {
      ws.send(JSON.stringify({ type: "command", command }));
    },
    close: () => ws.close(),
    [Symbol.dispose]: () => ws.close(),
  };
  ws.onmessage = (e) => client.messages.push(JSON.parse(String(e.data)) as ServerMessage);
  ws.onclose = (e) => {
    client.closed = { code: e.code, reason: e.reason };
  };
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = () =>
      reject(new Error(`websocket to ${url.replace(/token=[^&]*/, "token=…")} failed`));
  });
  return client;
}

/** Sends raw bytes and resolves with what came back until the server closed or `until` matched. */
export function rawHttp(
  port: number,
  request: string | Uint8Array,
  until: RegExp = /\r\n\r\n/,
  timeoutMs = 10_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let received = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`raw request got no complete answer in ${timeoutMs}ms; saw: ${received}`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(received);
    };
    socket.on("connect", () => socket.write(request));
    socket.on("data", (chunk) => {
      received += chunk.toString("latin1");
      if (until.test(received)) done();
    });
    socket.on("end", done);
    socket.on("close", done);
    socket.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

export function statusOf(response: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? "0");
}

export interface UpgradeOptions {
  token?: string | null;
  origin?: string | null;
  host?: string;
  extra?: string[];
}

/** A websocket upgrade request with the headers given (null leaves one out). */
export function upgradeRequest(port: number, options: UpgradeOptions = {}): string {
  const token = options.token === undefined ? TEST_TOKEN : options.token;
  const origin = options.origin === undefined ? `http://127.0.0.1:${port}` : options.origin;
  const lines = [
    `GET /ws${token === null ? "" : `?token=${encodeURIComponent(token)}`} HTTP/1.1`,
    `Host: ${options.host ?? `127.0.0.1:${port}`}`,
    "Upgrade: websocket",
    "Connection: Upgrade",
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
    "Sec-WebSocket-Version: 13",
    ...(origin === null ? [] : [`Origin: ${origin}`]),
    ...(options.extra ?? []),
  ];
  return `${lines.join("\r\n")}\r\n\r\n`;
}
