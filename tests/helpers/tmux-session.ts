/**
 * A real terminal for tests: a tmux server on a private socket (no user config), one pane
 * running a shell command. Tests type with send-keys, read the screen as a person sees it
 * with capture-pane (polled with a deadline, never a fixed sleep), and read the raw bytes
 * the program wrote (escape codes and OSC 8 links included) through pipe-pane. Disposing
 * kills the server, which hangs up the pane, and waits for the pane's processes to go.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isAlive } from "../../src/run/proc-info.ts";

export const hasTmux = Bun.which("tmux") !== null;

export interface TmuxSession extends AsyncDisposable {
  readonly socket: string;
  /** Pid of the pane's first process (the shell running the command). */
  readonly panePid: number;
  /** The pane's terminal device, for `stty -F` from outside. */
  readonly paneTty: string;
  /** The visible screen (`history`: from the top of the scrollback); `escapes` keeps SGR colours. */
  screen(options?: { escapes?: boolean; history?: boolean }): string;
  /** Everything the pane's program wrote, raw, since the session started. */
  raw(): string;
  /** Polls the screen until `match` holds; fails at the deadline showing the screen. */
  waitFor(
    match: RegExp | string | ((screen: string) => boolean),
    options?: { timeoutMs?: number; escapes?: boolean; history?: boolean },
  ): Promise<string>;
  /** tmux key names: "Enter", "C-c", "Escape", or literal text with `literal`. */
  send(keys: string, options?: { literal?: boolean }): void;
  /** The pids of the direct children of a process (Linux /proc). */
  childrenOf(pid: number): number[];
}

export function startTmux(
  command: string,
  options: {
    cwd: string;
    env?: Record<string, string | undefined>;
    width?: number;
    height?: number;
  },
): TmuxSession {
  const socket = `hotreload-test-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  const work = mkdtempSync(join(tmpdir(), "hotreload-tmux-"));
  const rawFile = join(work, "raw.out");
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...process.env, ...options.env }))
    if (value !== undefined && key !== "TMUX" && key !== "TMUX_PANE") env[key] = value;

  const tmux = (...args: string[]) => {
    const result = Bun.spawnSync(["tmux", "-L", socket, "-f", "/dev/null", ...args], {
      env,
      stdout: "pipe",
      stderr: "pipe",
    });
    if (result.exitCode !== 0)
      throw new Error(`tmux ${args.join(" ")} failed: ${result.stderr.toString().trim()}`);
    return result.stdout.toString();
  };

  // pipe-pane runs in the same command queue as new-session, before the pane's first output.
  tmux(
    "new-session",
    "-d",
    "-x",
    String(options.width ?? 120),
    "-y",
    String(options.height ?? 40),
    "-c",
    options.cwd,
    command,
    ";",
    "set-option",
    "-g",
    "history-limit",
    "5000",
    ";",
    "pipe-pane",
    "-o",
    `cat >> '${rawFile}'`,
  );
  const [pidText, paneTty] = tmux("display-message", "-p", "#{pane_pid} #{pane_tty}")
    .trim()
    .split(" ");
  const panePid = Number(pidText);

  const screen = (opts: { escapes?: boolean; history?: boolean } = {}) =>
    tmux(
      "capture-pane",
      "-p",
      "-J",
      ...(opts.escapes ? ["-e"] : []),
      ...(opts.history ? ["-S", "-"] : []),
    ).replace(/\n+$/, "\n");

  const childrenOf = (pid: number): number[] => {
    try {
      return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map(Number);
    } catch {
      // The process is gone: it has no children.
      return [];
    }
  };

  return {
    socket,
    panePid,
    paneTty: paneTty as string,
    screen,
    childrenOf,
    raw: () => {
      try {
        return readFileSync(rawFile, "utf8");
      } catch {
        // Nothing written yet: pipe-pane creates the file on the first output.
        return "";
      }
    },
    send(keys, opts = {}) {
      tmux("send-keys", ...(opts.literal ? ["-l"] : []), keys);
    },
    async waitFor(match, opts = {}) {
      const test =
        typeof match === "function"
          ? match
          : typeof match === "string"
            ? (s: string) => s.includes(match)
            : (s: string) => match.test(s);
      const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
      let last = "";
      for (;;) {
        last = screen(opts);
        if (test(last)) return last;
        if (Date.now() > deadline)
          throw new Error(`screen never matched ${String(match)}; it shows:\n${last}`);
        await Bun.sleep(50); // polling interval of a deadline-bounded wait
      }
    },
    async [Symbol.asyncDispose]() {
      const tree = [panePid, ...descendants(panePid, childrenOf)];
      try {
        tmux("kill-server");
      } catch (error) {
        // The server already exited with its last pane: nothing is left to kill.
        void error;
      }
      const deadline = Date.now() + 10_000;
      while (tree.some((pid) => isAlive(pid)) && Date.now() < deadline) await Bun.sleep(50);
      for (const pid of tree.filter((pid) => isAlive(pid))) process.kill(pid, "SIGKILL");
      rmSync(work, { recursive: true, force: true });
    },
  };
}

function descendants(pid: number, childrenOf: (pid: number) => number[]): number[] {
  const out: number[] = [];
  for (const child of childrenOf(pid)) out.push(child, ...descendants(child, childrenOf));
  return out;
}
