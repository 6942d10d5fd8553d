/**
 * The dashboard's websocket protocol. Server messages carry the same Event union as the
 * terminal log and `--json`; the page sends only commands, and every inbound message is
 * validated here before anything else sees it.
 */
import type { Event } from "../events/types.ts";
import type { HistoryView } from "./history.ts";
import type { LogEvent } from "./log-ring.ts";

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
};

export type ServerMessage =
  | Snapshot
  /** `state` comes with every event that is not a log line: the history after it. */
  | { type: "event"; event: Event; state?: HistoryView }
  | { type: "batch"; events: Event[]; state?: HistoryView }
  /** Events were dropped for this client; `state` lets the page resynchronise its header. */
  | { type: "gap"; dropped: number; state: HistoryView }
  | { type: "cleared" }
  /**
   * The engine took the command (its inbox ran it); `result` says what it did, from the
   * events it emitted while doing so: "build #4 started", "stopping pid 123", "nothing to stop".
   */
  | { type: "ack"; command: PageCommand; result: string }
  | { type: "error"; message: string };

export type ParsedCommand = { ok: true; command: PageCommand } | { ok: false; message: string };

const ALLOWED_KEYS = new Set(["type", "command"]);

/**
 * Validates a command message. `requireType` is true on the websocket, where every message
 * is `{type:"command", command}`; the HTTP API also accepts the shorter `{command}`.
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
  return { ok: true, command: command as PageCommand };
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
