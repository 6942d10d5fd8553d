/**
 * The dashboard's websocket protocol. Server messages carry the same Event union as the
 * terminal log and `--json`; the page sends only commands, and every inbound message is
 * validated here before anything else sees it.
 */
import type { Event } from "../events/types.ts";
import type { HistoryView } from "./history.ts";
import type { LogEvent } from "./log-ring.ts";
import type { ServiceView } from "./service-histories.ts";

export type { ServiceView } from "./service-histories.ts";

/** Commands the engine understands, forwarded through `onCommand`. */
export type EngineCommand = "rebuild" | "restart" | "stop" | "start";
/** Commands a page may send; "clear" is handled by the dashboard itself. */
export type PageCommand = EngineCommand | "clear";

export const PAGE_COMMANDS: readonly PageCommand[] = [
  "rebuild",
  "restart",
  "stop",
  "start",
  "clear",
];

/** Inbound messages larger than this are refused (the websocket closes them with 1009). */
export const MAX_INBOUND_BYTES = 4096;

export type Snapshot = HistoryView & {
  type: "snapshot";
  /** Server wall-clock time, so the page can correct uptime and countdowns for skew. */
  now: number;
  /** The most recent kept lines (at most SNAPSHOT_LINES); older ones through GET /api/logs. */
  logs: LogEvent[];
  /** Number of the first line in `logs`; lines are numbered in the order they were logged. */
  logFrom: number;
  /** Number of the oldest line the server still keeps (`logFrom - logFirst` more on demand). */
  logFirst: number;
  logCapacity: number;
  config: Record<string, unknown>;
  /** The hotreload process serving this page; a new pid after a reconnect is a new run. */
  run: { pid: number; startedAt: number };
  /**
   * With `services:`: each service's history, in start order (the top-level history then
   * holds only the run's own events). Absent without `services:`.
   */
  services?: ServiceView[];
};

export type ServerMessage =
  | Snapshot
  /**
   * `state` comes with every event that is not a log line: the history after it; `services`
   * with it, the histories of the services those events concern (the others are unchanged).
   */
  | { type: "event"; event: Event; state?: HistoryView; services?: ServiceView[] }
  | { type: "batch"; events: Event[]; state?: HistoryView; services?: ServiceView[] }
  /** Events were dropped for this client; `state` (and every service's) resynchronise it. */
  | { type: "gap"; dropped: number; state: HistoryView; services?: ServiceView[] }
  | { type: "cleared" }
  /**
   * The engine took the command (its inbox ran it); `result` says what it did, from the
   * events it emitted while doing so: "build #4 started", "stopping pid 123", "nothing to stop".
   * `service`: the service it was for (absent: every service, or no `services:`);
   * `results`: with `services:`, what it did per service.
   */
  | {
      type: "ack";
      command: PageCommand;
      service?: string;
      result: string;
      results?: Record<string, string>;
    }
  | { type: "error"; message: string };

/** `service`: the one service it is for; absent: every service (or the only one). */
export type ParsedCommand =
  | { ok: true; command: PageCommand; service?: string }
  | { ok: false; message: string };

const ALLOWED_KEYS = new Set(["type", "command", "service"]);
/** Service names are config keys: short words; anything else is refused before lookup. */
const SERVICE_NAME = /^[A-Za-z0-9][\w.-]{0,63}$/;

/**
 * Validates a command message. `requireType` is true on the websocket, where every message
 * is `{type:"command", command, service?}`; the HTTP API also accepts `{command, service?}`.
 * Whether the service exists is the server's question (it knows the run's services).
 */
export function parseCommand(
  raw: string | Uint8Array | ArrayBuffer,
  requireType = true,
): ParsedCommand {
  if (typeof raw !== "string") return { ok: false, message: "binary messages are not accepted" };
  if (Buffer.byteLength(raw) > MAX_INBOUND_BYTES) {
    return { ok: false, message: `message larger than ${MAX_INBOUND_BYTES} bytes` };
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    // Safe: the sender gets the reason back as an error message; nothing else is touched.
    return { ok: false, message: `message is not JSON: ${(error as Error).message}` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, message: "message must be a JSON object" };
  }
  const record = value as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => !ALLOWED_KEYS.has(key));
  if (unknown.length > 0) return { ok: false, message: `unknown field "${unknown[0]}"` };
  if (record.type !== "command" && (requireType || record.type !== undefined)) {
    return { ok: false, message: `unknown message type ${describe(record.type)}` };
  }
  const command = record.command;
  if (typeof command !== "string" || !(PAGE_COMMANDS as readonly string[]).includes(command)) {
    return {
      ok: false,
      message: `unknown command ${describe(command)}; expected one of ${PAGE_COMMANDS.join(", ")}`,
    };
  }
  const service = record.service;
  if (service === undefined) return { ok: true, command: command as PageCommand };
  if (typeof service !== "string" || !SERVICE_NAME.test(service)) {
    return { ok: false, message: `invalid service ${describe(service)}` };
  }
  return { ok: true, command: command as PageCommand, service };
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
