/**
 * Keyboard shortcuts when stdin is a terminal. The terminal is put in raw mode, so each key
 * arrives at once: r rebuild, R restart, s stop/start, c clear, h help, q or Ctrl-C quit.
 * Any other key starts a line for the server's stdin, echoed here and sent on Enter (so an
 * app that reads stdin still works); `\` starts such a line when it must begin with a
 * shortcut key. Raw mode is undone on close and on every process exit, even a crash.
 */
import type { Logger } from "../log.ts";

export type KeyCommand = "rebuild" | "restart" | "stop-start" | "clear" | "help" | "quit";

export type KeyAction =
  | { type: "command"; command: KeyCommand }
  /** Text for the server's stdin. */
  | { type: "forward"; text: string }
  /** Text to show locally while a line for the server is typed (raw mode has no echo). */
  | { type: "echo"; text: string }
  /** A digit with several services: 0 all of them, 1… the service with that number. */
  | { type: "select"; index: number };

export const KEY_BINDINGS: readonly { key: string; command: KeyCommand; label: string }[] = [
  { key: "r", command: "rebuild", label: "rebuild and restart" },
  { key: "R", command: "restart", label: "restart without building" },
  { key: "s", command: "stop-start", label: "stop / start the server" },
  { key: "c", command: "clear", label: "clear the screen" },
  { key: "h", command: "help", label: "show these keys" },
  { key: "q", command: "quit", label: "quit (Ctrl-C too)" },
];

/** Shown before a line being typed for the server. */
export const LINE_PROMPT = "› ";
const ERASE_LINE = "\r\x1b[2K";

export interface KeyReader {
  feed(chunk: string): KeyAction[];
}

/** Pure: turns raw-mode input into commands, text for the server and local echo. */
export function createKeyReader(options: { digits?: boolean } = {}): KeyReader {
  let line: string | null = null;
  return {
    feed(chunk) {
      const actions: KeyAction[] = [];
      const chars = Array.from(chunk);
      for (let i = 0; i < chars.length; i++) {
        const ch = chars[i] as string;
        if (ch === "\x03") {
          line = null;
          actions.push({ type: "command", command: "quit" });
          continue;
        }
        if (ch === "\x1b") {
          const next = chars[i + 1];
          if (next === "[" || next === "O") {
            // An arrow or function key: skip the sequence up to its final byte.
            i += 2;
            while (i < chars.length && !/[@-~]/.test(chars[i] as string)) i++;
            continue;
          }
          if (line !== null) {
            line = null;
            actions.push({ type: "echo", text: ERASE_LINE });
          }
          continue;
        }
        if (ch === "\r" || ch === "\n") {
          if (ch === "\r" && chars[i + 1] === "\n") i++;
          // Enter alone reaches the server too ("press Enter to continue"), and spaces the log.
          actions.push({ type: "forward", text: `${line ?? ""}\n` });
          actions.push({ type: "echo", text: "\n" });
          line = null;
          continue;
        }
        if (line === null) {
          const binding = KEY_BINDINGS.find((b) => b.key === ch);
          if (binding) actions.push({ type: "command", command: binding.command });
          else if (options.digits && /^[0-9]$/.test(ch))
            actions.push({ type: "select", index: Number(ch) });
          else if (ch === "\\") {
            line = "";
            actions.push({ type: "echo", text: LINE_PROMPT });
          } else if (isPrintable(ch)) {
            line = ch;
            actions.push({ type: "echo", text: `${LINE_PROMPT}${ch}` });
          }
          continue;
        }
        if (ch === "\x7f" || ch === "\b") {
          if (line.length > 0) {
            line = Array.from(line).slice(0, -1).join("");
            actions.push({ type: "echo", text: "\b \b" });
          }
        } else if (ch === "\x15") {
          actions.push({ type: "echo", text: `${ERASE_LINE}${LINE_PROMPT}` });
          line = "";
        } else if (ch === "\x04" && line === "") {
          line = null;
          actions.push({ type: "echo", text: ERASE_LINE });
        } else if (isPrintable(ch)) {
          line += ch;
          actions.push({ type: "echo", text: ch });
        }
      }
      return actions;
    },
  };
}

function isPrintable(ch: string): boolean {
  const code = ch.codePointAt(0) ?? 0;
  return code >= 0x20 && code !== 0x7f && !(code >= 0x80 && code < 0xa0);
}

/** The `h` screen. */
export function keyHelp(
  paint: { bold(s: string): string; dim(s: string): string },
  /** With several services: the number that picks each ("1 api"). */
  services: readonly string[] = [],
): string {
  const rows = KEY_BINDINGS.map((b) => `  ${paint.bold(b.key)}  ${b.label}`);
  const picks =
    services.length === 0
      ? []
      : [
          `  ${paint.bold("0")}  all services (r, R and s act on every one)`,
          ...services
            .slice(0, 9)
            .map(
              (name, i) =>
                `  ${paint.bold(String(i + 1))}  ${name} only (and what you type goes to it)`,
            ),
        ];
  return [
    ...rows,
    ...picks,
    paint.dim("  any other key types a line for the server's stdin: Enter sends it, Esc drops it"),
    paint.dim("  \\ starts such a line with one of the keys above; --no-keys turns the keys off"),
  ].join("\n");
}

export interface RawInput {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
  on(event: "data", listener: (data: Buffer | string) => void): unknown;
  off(event: "data", listener: (data: Buffer | string) => void): unknown;
  resume(): unknown;
  pause(): unknown;
}

export function listenForKeys(options: {
  onCommand(command: KeyCommand): void;
  onInput(text: string): void;
  echo(text: string): void;
  /** Digits pick a service (several services only). */
  onSelect?(index: number): void;
  log: Logger;
  input?: RawInput;
}): { close(): void } {
  const input: RawInput = options.input ?? process.stdin;
  const reader = createKeyReader({ digits: options.onSelect !== undefined });
  const decoder = new TextDecoder();
  let raw = false;
  const restore = () => {
    if (!raw) return;
    raw = false;
    try {
      input.setRawMode?.(false);
    } catch (error) {
      // The terminal is gone (hung up): there is no mode left to restore.
      options.log.debug(`could not leave raw mode: ${String(error)}`);
    }
  };
  const onData = (data: Buffer | string) => {
    const text = typeof data === "string" ? data : decoder.decode(data, { stream: true });
    for (const action of reader.feed(text)) {
      if (action.type === "command") options.onCommand(action.command);
      else if (action.type === "forward") options.onInput(action.text);
      else if (action.type === "select") options.onSelect?.(action.index);
      else options.echo(action.text);
    }
  };
  input.setRawMode?.(true);
  raw = true;
  // Every exit path (q, signals, an uncaught error, process.exit) passes through "exit".
  process.on("exit", restore);
  input.on("data", onData);
  input.resume();
  return {
    close() {
      input.off("data", onData);
      process.off("exit", restore);
      restore();
      input.pause();
    },
  };
}
