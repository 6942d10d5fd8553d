/**
 * The terminal sink: hotreload's own lines are compact, start with a `hotreload` tag and go
 * to stderr; the app's output passes through byte for byte (stdout to stdout, stderr to
 * stderr), untagged. A reload is one summary line; build output is shown only when the build
 * fails (live at debug level). Nothing here writes an escape code unless asked to: colour,
 * clearing and links are each decided by the caller (see docs/TERMINAL.md).
 */
import { humanDuration } from "../config/duration.ts";
import { createBuildOutput, formatBuildLine, type LinkOptions } from "./build-report.ts";
import { firedText, ruleText } from "./rule-lines.ts";
import { formatStamp } from "./stamp.ts";
import type { Event, ReloadTiming } from "./types.ts";

export interface PrettyOptions {
  color: boolean;
  quiet: boolean;
  timestamps: boolean;
  debug: boolean;
  clear: boolean;
  /** Our stream is a terminal: clearing is allowed (colour and links are decided apart). */
  tty?: boolean;
  /** Point to the `h` key on the start line (interactive terminals only). */
  keysHint: boolean;
  /** Make `file:line:col` in build errors OSC 8 links; null or absent: plain text. */
  links?: LinkOptions | null;
  out: { write(text: string): unknown };
  err: { write(text: string): unknown };
}

export const CLEAR_SCREEN = "\x1b[2J\x1b[3J\x1b[H";

const paint = (on: boolean, code: string) => (text: string) =>
  on ? `\x1b[${code}m${text}\x1b[0m` : text;

/** What the shell means by these exit codes (the command never ran). */
const SHELL_EXITS: Record<number, string> = {
  126: ": not executable",
  127: ": command not found",
};

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
  // In a terminal a build shows a "building…" line, erased when the build ends unless
  // something else was written after it (then it stays, as a line of history).
  let status = false;
  const tracked = (stream: { write(text: string): unknown }) => ({
    write(text: string) {
      status = false;
      stream.write(text);
    },
  });
  const out = tracked(options.out);
  const err = tracked(options.err);
  const endStatus = () => {
    if (status) options.err.write("\x1b[1A\x1b[2K");
    status = false;
  };
  const buildOutput = createBuildOutput();
  const changed = new Set<string>();
  // What the rules decided for the batch being reloaded ("views/index.hbs → restart").
  let fired: string | null = null;
  let serving = false;
  let firstReady = true;

  const stamp = (time: number) => (options.timestamps ? `${c.dim(formatStamp(time))} ` : "");
  const line = (event: Event, text: string) =>
    err.write(`${stamp(event.time)}${c.magenta("hotreload")} ${text}\n`);
  const important = (event: Event, text: string) => line(event, text);
  const info = (event: Event, text: string) => {
    if (!options.quiet) line(event, text);
  };
  const debug = (event: Event, text: string) => {
    if (options.debug) line(event, c.dim(text));
  };

  const buildFailed = (event: Extract<Event, { type: "build.finished" }>) => {
    const how = event.signal ? `killed by ${event.signal}` : `exit ${event.exitCode}`;
    const keeps = serving ? " — the previous server keeps running" : "";
    const what = event.hook ? `${event.hook} hook failed` : "build failed";
    important(
      event,
      `${c.red(c.bold(`✗ ${what}`))} ${c.dim(`(${how}, ${humanDuration(event.durationMs)})${keeps}`)}`,
    );
    changed.clear();
    fired = null;
    const { lines, dropped } = buildOutput.take();
    if (options.debug) return; // already shown live
    if (dropped > 0) err.write(`${c.dim(`build │ … ${dropped} earlier lines not shown`)}\n`);
    const shown = lines.length > 0 ? lines : event.tail;
    for (const text of shown) err.write(`${formatBuildLine(text, c, options.links ?? null)}\n`);
  };

  const hookFinished = (event: Extract<Event, { type: "hook.finished" }>) => {
    const name =
      event.hook === "run" ? `\`${event.command}\`` : `${event.hook} hook \`${event.command}\``;
    if (event.ok) return debug(event, `${name} done in ${humanDuration(event.durationMs)}`);
    const how = event.timedOut
      ? `timed out after ${humanDuration(event.durationMs)}; its process group was stopped`
      : event.signal
        ? `killed by ${event.signal}`
        : `exit ${event.exitCode}`;
    // A build's hook failing is said by build.finished; a background hook only warns.
    if (event.hook === "before_build" || event.hook === "after_build")
      return debug(event, `${name} failed (${how})`);
    if (event.hook !== "run") return important(event, c.yellow(`${name} failed (${how})`));
    const keeps = serving ? " — the previous server keeps running" : "";
    important(event, `${c.red(c.bold(`✗ ${name} failed`))} ${c.dim(`(${how})${keeps}`)}`);
    changed.clear();
    fired = null;
    buildOutput.take();
    if (!options.debug)
      for (const text of event.tail)
        err.write(`${formatBuildLine(text, c, options.links ?? null, "run")}\n`);
  };

  return (event) => {
    switch (event.type) {
      case "log":
        if (event.stream === "app") (event.fd === "stdout" ? out : err).write(`${event.line}\n`);
        else if (
          event.stream === "hook" &&
          (event.hook === "after_ready" || event.hook === "on_crash")
        ) {
          // Hooks around a running server speak for themselves, like the server does.
          if (!options.quiet) err.write(`${c.dim(`${event.hook} │`)} ${event.line}\n`);
        } else if (event.stream === "build" || event.stream === "hook") {
          buildOutput.add(event.line);
          if (options.debug) err.write(`${c.dim("build │")} ${event.line}\n`);
        } else debug(event, event.line);
        return;
      case "engine.started":
        return info(
          event,
          `${c.bold(`v${event.version}`)} watching ${event.root}${options.keysHint ? c.dim(" · press h for keys") : ""}`,
        );
      case "engine.stopped":
        return info(event, c.dim(event.code === 0 ? "stopped" : `stopped (exit ${event.code})`));
      case "watch.ready":
        return debug(
          event,
          `watching ${event.dirs} directories (${event.mode}) in ${humanDuration(event.ms)}`,
        );
      case "watch.fallback":
        return important(event, c.yellow(`${event.reason} — ${event.hint}`));
      case "watch.error":
        return important(event, c.red(`watch error: ${event.message}`));
      case "watch.root-gone":
        return important(
          event,
          c.yellow(
            `${event.root} was ${event.reason}: the server is stopped; nothing builds or starts until the directory is back`,
          ),
        );
      case "watch.root-back":
        return info(event, `${event.root} is back: watching again, rebuilding`);
      case "changes":
        for (const change of event.changes) changed.add(change.path);
        return debug(
          event,
          `changed: ${event.changes.map((ch) => `${ch.path} (${ch.kind})`).join(", ")}`,
        );
      case "rules.applied":
        fired = event.action === "ignore" ? null : firedText(event.hits, event.action);
        for (const hit of event.hits) if (hit.action === "ignore") changed.delete(hit.path);
        for (const hit of event.hits) debug(event, ruleText(hit));
        if (event.runs.length > 0)
          debug(event, `rules: running first ${event.runs.map((r) => `\`${r}\``).join(", ")}`);
        return;
      case "hook.started":
        return debug(
          event,
          `${event.hook === "run" ? `rule ${event.rule}` : event.hook}: running \`${event.command}\``,
        );
      case "hook.finished":
        return hookFinished(event);
      case "browser.reload": {
        const names =
          fired ?? (event.paths.length > 0 ? `${event.paths.join(", ")} → reload` : "reload");
        fired = null;
        changed.clear();
        const done = event.css ? "stylesheets swapped in the browsers" : "browsers reloaded";
        return info(event, `${c.green("✓")} ${names} ${c.dim(`· ${done}`)}`);
      }
      case "build.started":
        endStatus();
        if (options.clear && options.tty && event.seq > 1) err.write(CLEAR_SCREEN);
        buildOutput.reset();
        if (options.tty && !options.quiet && !options.debug) {
          line(event, c.dim(`⋯ building · ${event.reason}`));
          status = true;
          return;
        }
        return debug(event, `building… (${event.reason})`);
      case "build.finished":
        endStatus();
        if (event.ok) buildOutput.reset();
        else buildFailed(event);
        return;
      case "build.cancelled":
        endStatus();
        buildOutput.reset();
        return debug(event, `build cancelled: ${event.reason}`);
      case "build.skipped":
        endStatus();
        changed.clear();
        return info(event, c.dim(`build skipped: ${event.reason}`));
      case "process.started":
        serving = true;
        return debug(event, `server started (pid ${event.pid})`);
      case "process.exited":
        serving = false;
        if (event.requested) return;
        if (event.exitCode === 0 && event.signal === null)
          return important(
            event,
            c.yellow(`server exited (0) after ${humanDuration(event.uptimeMs)}`),
          );
        return important(
          event,
          c.red(
            `server exited (${event.exitCode !== null ? `exit ${event.exitCode}${SHELL_EXITS[event.exitCode] ?? ""}` : event.signal}) after ${humanDuration(event.uptimeMs)}`,
          ),
        );
      case "crash.backoff":
        return important(
          event,
          c.yellow(
            `${event.exitCode === 0 ? "exited (0)" : `crashed (exit ${event.exitCode ?? "?"})`}, restarting in ${humanDuration(event.delayMs)}`,
          ),
        );
      case "phase":
        // A clean exit that the restart policy does not restart: say what happens next.
        if (event.phase === "exited")
          return info(
            event,
            c.dim("waiting for a change (`restart: always` would restart it after a clean exit)"),
          );
        return;
      case "process.draining":
        return debug(event, `old server (pid ${event.pid}) draining`);
      case "swap.failed":
        return important(
          event,
          c.red(`new version failed to start: ${event.reason}; the previous server keeps serving`),
        );
      case "health.failed":
        return important(event, c.red(`unhealthy after ${event.attempts} probes: ${event.error}`));
      case "reload.done": {
        const names = [...changed];
        changed.clear();
        const ready = firstReady && event.files === 0;
        firstReady = false;
        // A rule's line only for the reload it decided (a restart during a build is not).
        const rule = fired?.includes(`→ ${event.action ?? "rebuild"}`) ? fired : null;
        fired = null;
        if (event.unhealthy !== undefined) {
          const line = summary(event.files, event.timing, c.red, names, "✗", rule);
          return important(event, `${line} · ${c.red(`unhealthy: ${event.unhealthy}`)}`);
        }
        if (!ready)
          return info(event, summary(event.files, event.timing, c.green, names, "✓", rule));
        const detail = summary(0, event.timing).slice(2);
        return info(
          event,
          `${c.green("✓")} ${c.bold("ready")}${detail === "ready" ? "" : ` · ${detail}`}`,
        );
      }
      case "command.requested":
        return info(
          event,
          `${event.command} requested from the ${event.source}${
            event.service !== undefined
              ? ` for ${event.service}`
              : event.all
                ? " for every service"
                : ""
          }`,
        );
      case "notice":
        if (event.level === "debug") return debug(event, event.message);
        if (event.level === "error") return important(event, c.red(event.message));
        if (event.level === "warn") return important(event, c.yellow(event.message));
        return info(event, event.message);
      default:
        return;
    }
  };
}

/**
 * "3 files changed · built in 412 ms · swapped in 38 ms · healthy in 120 ms"; with the
 * changed paths, "app.ts changed · …" or "3 files changed (a.ts, b.ts +1) · …".
 */
export function summary(
  files: number,
  timing: ReloadTiming,
  green: (s: string) => string = (s) => s,
  names: readonly string[] = [],
  mark = "✓",
  /** What a rule decided, said instead of the changed names: "views/index.hbs → restart". */
  rule: string | null = null,
): string {
  const parts: string[] = [];
  if (rule !== null && files > 0) parts.push(rule);
  else if (files === 1 && names.length === 1) parts.push(`${names[0]} changed`);
  else if (files > 0) {
    const shown = names.slice(0, 2).join(", ");
    const more = names.length > 2 ? ` +${names.length - 2}` : "";
    parts.push(
      `${files} file${files === 1 ? "" : "s"} changed${shown ? ` (${shown}${more})` : ""}`,
    );
  }
  if (timing.build !== undefined) parts.push(`built in ${humanDuration(timing.build)}`);
  const swap = (timing.stop ?? 0) + (timing.start ?? 0);
  if (timing.stop !== undefined) parts.push(`swapped in ${humanDuration(swap)}`);
  else if (timing.start !== undefined) parts.push(`started in ${humanDuration(swap)}`);
  if (timing.healthy !== undefined) parts.push(`healthy in ${humanDuration(timing.healthy)}`);
  const fallback = mark === "✓" ? "ready" : "started";
  return `${green(mark)} ${parts.length > 0 ? parts.join(" · ") : fallback}`;
}

/** The --json sink: one event per line on stdout, nothing else there. */
export function createNdjsonSink(out: { write(text: string): unknown }): (event: Event) => void {
  return (event) => {
    out.write(`${JSON.stringify(event)}\n`);
  };
}
