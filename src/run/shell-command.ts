/**
 * The argv hotreload spawns for a user's command, per platform. Pure, so every branch is
 * unit-tested here even where it cannot run (Windows).
 *
 * POSIX: `sh -c '<lifeline watcher> ; exec 3<&- ; <command>'`. The watcher is a
 * double-forked subshell in the child's process group: it blocks reading fd 3, the child
 * end of a socket whose other end only the engine holds, so it reads EOF the moment the
 * engine dies (even by SIGKILL), then TERMs the whole group and KILLs it after a short
 * grace. It ignores the stop signals so a graceful stop never takes it down first. The
 * double fork makes init its parent, so the server never sees an unknown child. fd 3 is
 * closed before the user's command runs, so the server does not inherit it.
 *
 * A simple command is `exec`ed, so the server's pid is the group leader's pid (the pid we
 * report and signal). A compound command (`a && b`, pipes, lists) runs under the shell,
 * which traps the stop signals so it exits only after its foreground command did: stop
 * waits for the real server, not for a shell that died first.
 */
import { constants } from "node:os";

/** File descriptor number the lifeline socket has in the child. */
export const LIFELINE_FD = 3;

/** Longest time between the engine dying and the group's SIGKILL, in 50 ms steps. */
export const LIFELINE_GRACE_STEPS = 6;

const TRAPPED_SIGNALS = ["HUP", "INT", "QUIT", "TERM", "USR1", "USR2"] as const;

const RESERVED_FIRST_WORDS = new Set([
  "if",
  "then",
  "for",
  "while",
  "until",
  "case",
  "do",
  "{",
  "!",
  "[[",
  "function",
  "cd",
  ".",
  "source",
  "export",
  "eval",
  "set",
  "ulimit",
  "umask",
  "trap",
  "alias",
  ":",
]);

// A leading run of NAME=value words (value unquoted, or in simple single or double quotes).
const ASSIGNMENTS = /^((?:[A-Za-z_][A-Za-z0-9_]*=(?:'[^']*'|"[^"\\`$]*"|[^\s'"\\`$;&|<>()]*)\s+)*)/;

/**
 * Returns the command with `exec` inserted before its program when it is one simple
 * command, or null when it is compound (or unusual enough that exec could change it).
 */
export function execForm(command: string): string | null {
  const trimmed = command.trim();
  // fd duplications (`2>&1`, `>&2`, `<&-`) are redirections, not the `&` of a list.
  const unredirected = trimmed.replace(/\d*[<>]&(\d+|-)/g, "");
  if (trimmed === "" || /[;&|\n\r`]|\$\(/.test(unredirected)) return null;
  if (/^\s*\(/.test(trimmed)) return null;
  const assignments = ASSIGNMENTS.exec(trimmed)?.[1] ?? "";
  const rest = trimmed.slice(assignments.length);
  const first = rest.split(/\s+/, 1)[0] ?? "";
  if (first === "") return null;
  if (first === "exec") return trimmed;
  if (RESERVED_FIRST_WORDS.has(first) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(first)) return null;
  return `${assignments}exec ${rest}`;
}

function signalNumber(name: string): number {
  return (constants.signals as Record<string, number>)[`SIG${name}`] ?? 15;
}

/**
 * `hr_sweep SIGNAL` signals every process of ours (Linux: /proc) whose environment carries
 * this run's HOTRELOAD_RUN tag, except the watcher itself: the daemons that left the group
 * and session, which `kill 0` cannot reach. Inert where there is no /proc or no tag.
 */
const SWEEP_FUNCTION = [
  'hr_sweep() { [ -n "$HOTRELOAD_RUN" ] && [ -r /proc/self/stat ] || return 0',
  "read -r hr_me _ </proc/self/stat",
  // One grep over every environ (no fork per process); unreadable ones (not ours) skipped.
  // biome-ignore lint/suspicious/noTemplateCurlyInString: sh parameter expansion, not JS
  'for hr_f in $(grep -lsaF "HOTRELOAD_RUN=$HOTRELOAD_RUN" /proc/[0-9]*/environ); do hr_p=${hr_f#/proc/}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: sh parameter expansion, not JS
  "hr_p=${hr_p%/environ}",
  '[ "$hr_p" = "$hr_me" ] || kill -"$1" "$hr_p" 2>/dev/null',
  "done; }",
].join("; ");

/** The sh script: lifeline watcher, close fd 3, then exec (or run under traps) the command. */
export function posixScript(command: string, options: { lifeline: boolean }): string {
  const parts: string[] = [];
  if (options.lifeline) {
    const ignore = TRAPPED_SIGNALS.join(" ");
    const watcher = [
      `trap '' ${ignore}`,
      SWEEP_FUNCTION,
      "while read -r _; do :; done",
      "kill -TERM 0",
      "hr_sweep TERM",
      "i=0",
      `while [ $i -lt ${LIFELINE_GRACE_STEPS} ] && kill -0 $$ 2>/dev/null; do sleep 0.05; i=$((i+1)); done`,
      "hr_sweep KILL",
      "kill -KILL 0",
    ].join("; ");
    parts.push(`( ( ${watcher} ) <&${LIFELINE_FD} >/dev/null 2>&1 & )`, `exec ${LIFELINE_FD}<&-`);
  }
  const direct = execForm(command);
  if (direct !== null) {
    parts.push(direct);
  } else {
    for (const name of TRAPPED_SIGNALS)
      parts.push(`trap 'exit ${128 + signalNumber(name)}' ${name}`);
    parts.push(`\n${command}\n`);
  }
  return parts.join("; ");
}

export type Platform = NodeJS.Platform;

/** argv for running a command through the platform shell. */
export function shellArgv(
  command: string,
  options: { platform: Platform; lifeline: boolean },
): string[] {
  if (options.platform === "win32") return ["cmd.exe", "/d", "/s", "/c", `"${command}"`];
  return ["sh", "-c", posixScript(command, { lifeline: options.lifeline })];
}

/** argv that kills a process tree on Windows, where there are no process-group signals. */
export function taskkillArgv(pid: number): string[] {
  if (!Number.isInteger(pid) || pid <= 0) throw new RangeError(`not a pid: ${pid}`);
  return ["taskkill", "/T", "/F", "/PID", String(pid)];
}
