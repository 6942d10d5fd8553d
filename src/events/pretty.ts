/**
 * The terminal sink: hotreload's own lines are compact, tagged and coloured on stderr; the
 * app's output passes through unchanged (stdout to stdout, stderr to stderr); build output
 * is prefixed so it is told apart from the app's.
 */
import { humanDuration } from "../config/duration.ts";
import type { Event, ReloadTiming } from "./types.ts";

export interface PrettyOptions {
  color: boolean;
  quiet: boolean;
  timestamps: boolean;
  debug: boolean;
  clear: boolean;
  /** Show the key bindings on the start line (interactive terminals only). */
  keysHint: boolean;
  out: { write(text: string): unknown };
  err: { write(text: string): unknown };
}

const paint = (on: boolean, code: string) => (text: string) =>
  on ? `\x1b[${code}m${text}\x1b[0m` : text;

export function createPrettySink(options: PrettyOptions): (event: Event) => void {
  const c = {
    dim: paint(options.color, "2"),
    red: paint(options.color, "31"),
    green: paint(options.color, "32"),
    yellow: paint(options.color, "33"),
    cyan: paint(options.color, "36"),
    bold: paint(options.color, "1"),
    magenta: paint(options.color, "35"),
  };
  const stamp = (time: number) =>
    options.timestamps ? `${c.dim(new Date(time).toISOString().slice(11, 23))} ` : "";
  const line = (event: Event, text: string) =>
    options.err.write(`${stamp(event.time)}${c.magenta("hotreload")} ${text}\n`);
  const important = (event: Event, text: string) => line(event, text);
  const info = (event: Event, text: string) => {
    if (!options.quiet) line(event, text);
  };

  return (event) => {
    switch (event.type) {
      case "log":
        if (event.stream === "app")
          (event.fd === "stdout" ? options.out : options.err).write(`${event.line}\n`);
        else if (event.stream === "build") {
          if (!options.quiet || event.fd === "stderr")
            options.err.write(`${c.dim("build │")} ${event.line}\n`);
        }
        return;
      case "engine.started":
        return info(
          event,
          `${c.bold(`v${event.version}`)} watching ${event.root} ${options.keysHint ? c.dim("(r rebuild · s stop/start · q quit)") : ""}`,
        );
      case "watch.ready":
        return info(
          event,
          c.dim(`watching ${event.dirs} directories (${event.mode}) in ${humanDuration(event.ms)}`),
        );
      case "watch.fallback":
        return important(event, c.yellow(`${event.reason} — ${event.hint}`));
      case "watch.error":
        return important(event, c.red(`watch error: ${event.message}`));
      case "changes": {
        const names = event.changes.slice(0, 3).map((ch) => `${ch.path} ${c.dim(`(${ch.kind})`)}`);
        const more = event.changes.length > 3 ? c.dim(` +${event.changes.length - 3} more`) : "";
        return info(event, `${c.cyan("changed")} ${names.join(", ")}${more}`);
      }
      case "build.started":
        if (options.clear && event.seq > 1) options.err.write("\x1b[2J\x1b[3J\x1b[H");
        return info(event, c.dim(`building… (${event.reason})`));
      case "build.finished":
        if (event.ok) return;
        return important(
          event,
          `${c.red("build failed")} ${c.dim(`(exit ${event.exitCode ?? event.signal}, ${humanDuration(event.durationMs)}) — the previous server keeps running`)}`,
        );
      case "build.skipped":
        return info(event, c.dim(`build skipped: ${event.reason}`));
      case "process.exited":
        if (event.requested) return;
        return important(
          event,
          c.red(
            `server exited (${event.exitCode !== null ? `exit ${event.exitCode}` : event.signal}) after ${humanDuration(event.uptimeMs)}`,
          ),
        );
      case "crash.backoff":
        return important(
          event,
          c.yellow(
            `crashed (exit ${event.exitCode ?? "?"}), restarting in ${humanDuration(event.delayMs)}`,
          ),
        );
      case "health.failed":
        return important(event, c.red(`unhealthy after ${event.attempts} probes: ${event.error}`));
      case "reload.done":
        return info(event, summary(event.files, event.timing, c.green));
      case "notice":
        if (event.level === "debug" && !options.debug) return;
        if (event.level === "error") return important(event, c.red(event.message));
        if (event.level === "warn") return important(event, c.yellow(event.message));
        return info(event, event.message);
      default:
        return;
    }
  };
}

/** "3 files changed · built in 412 ms · swapped in 38 ms · healthy in 120 ms" */
export function summary(
  files: number,
  timing: ReloadTiming,
  green: (s: string) => string = (s) => s,
): string {
  const parts: string[] = [];
  if (files > 0) parts.push(`${files} file${files === 1 ? "" : "s"} changed`);
  if (timing.build !== undefined) parts.push(`built in ${humanDuration(timing.build)}`);
  const swap = (timing.stop ?? 0) + (timing.start ?? 0);
  if (timing.stop !== undefined) parts.push(`swapped in ${humanDuration(swap)}`);
  else if (timing.start !== undefined) parts.push(`started in ${humanDuration(swap)}`);
  if (timing.healthy !== undefined) parts.push(`healthy in ${humanDuration(timing.healthy)}`);
  return `${green("✓")} ${parts.length > 0 ? parts.join(" · ") : "ready"}`;
}

/** The --json sink: one event per line on stdout, nothing else there. */
export function createNdjsonSink(out: { write(text: string): unknown }): (event: Event) => void {
  return (event) => {
    out.write(`${JSON.stringify(event)}\n`);
  };
}
