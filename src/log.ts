/**
 * Tagged loggers, one per subsystem (config, watch, build, run, health, dashboard, notify,
 * proxy).
 * HOTRELOAD_LOG_LEVEL picks the level; NO_COLOR / --no-color turn colours off.
 */
import { type ConsolaInstance, createConsola, LogLevels } from "consola/core";
import { formatStamp } from "./events/stamp.ts";

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogTag =
  | "config"
  | "watch"
  | "build"
  | "run"
  | "health"
  | "dashboard"
  | "notify"
  | "hook"
  | "proxy"
  | "engine";

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface LoggerFactory {
  readonly level: LogLevel;
  tag(name: LogTag): Logger;
}

const LEVELS: Record<LogLevel, number> = {
  debug: LogLevels.debug,
  info: LogLevels.info,
  warn: LogLevels.warn,
  error: LogLevels.error,
};

/** A level name in any case (and the aliases warning, err, trace), or null. */
export function parseLevel(value: string): LogLevel | null {
  const lower = value.trim().toLowerCase();
  const aliases: Record<string, LogLevel> = { warning: "warn", err: "error", trace: "debug" };
  return ((lower in LEVELS ? lower : aliases[lower]) as LogLevel | undefined) ?? null;
}

/** Reads HOTRELOAD_LOG_LEVEL in any case; a bad value falls back to info with a warning. */
export function levelFromEnv(value: string | undefined): { level: LogLevel; warning?: string } {
  if (value === undefined || value.trim() === "") return { level: "info" };
  const level = parseLevel(value);
  if (level) return { level };
  return {
    level: "info",
    warning: `HOTRELOAD_LOG_LEVEL=${value} is not a level; using info. Expected one of debug, info, warn, error.`,
  };
}

export function createLoggerFactory(options: {
  level: LogLevel;
  color: boolean;
  /** Prefix each line with the local time, like the event log's --timestamps. */
  timestamps?: boolean;
  stream?: { write(text: string): unknown };
}): LoggerFactory {
  const out = options.stream ?? process.stderr;
  const paint = (code: string, text: string) =>
    options.color ? `\x1b[${code}m${text}\x1b[0m` : text;
  // One line per message, in the same shape as the event log: "hotreload <tag> message".
  const reporter = {
    log(entry: { type: string; tag: string; args: unknown[] }) {
      const text = entry.args.map(String).join(" ");
      const body =
        entry.type === "error"
          ? paint("31", text)
          : entry.type === "warn"
            ? paint("33", text)
            : entry.type === "debug"
              ? paint("2", text)
              : text;
      const stamp = options.timestamps ? `${paint("2", formatStamp(Date.now()))} ` : "";
      out.write(`${stamp}${paint("35", "hotreload")} ${paint("2", entry.tag)} ${body}\n`);
    },
  };
  const root: ConsolaInstance = createConsola({
    level: LEVELS[options.level],
    reporters: [reporter],
  });
  const cache = new Map<LogTag, Logger>();
  return {
    level: options.level,
    tag(name) {
      let logger = cache.get(name);
      if (!logger) {
        const tagged = root.withTag(name);
        logger = {
          debug: (m) => tagged.debug(m),
          info: (m) => tagged.info(m),
          warn: (m) => tagged.warn(m),
          error: (m) => tagged.error(m),
        };
        cache.set(name, logger);
      }
      return logger;
    },
  };
}

/** A logger that drops everything, for tests and library use. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
