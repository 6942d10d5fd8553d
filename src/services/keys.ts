/**
 * The keyboard with several services: r, R and s act on every service, or on the one
 * picked with its number (0 picks all again); typed lines go to the picked service's
 * stdin. `h` lists the numbers.
 */
import { keyHelp, listenForKeys } from "../cli/keys.ts";
import { CLEAR_SCREEN } from "../events/pretty.ts";
import type { Logger } from "../log.ts";
import type { Supervisor } from "./supervisor.ts";

export function bindServiceKeys(options: {
  supervisor: Supervisor;
  color: boolean;
  log: Logger;
  err?: { write(text: string): unknown };
}): { close(): void } {
  const { supervisor, log } = options;
  const err = options.err ?? process.stderr;
  const paint = (code: string) => (text: string) =>
    options.color ? `\x1b[${code}m${text}\x1b[0m` : text;
  const tag = paint("35")("hotreload");
  const names = supervisor.names;
  let picked: string | null = null;
  const say = (text: string) => err.write(`${tag} ${text}\n`);
  return listenForKeys({
    log,
    echo: (text) => err.write(text),
    onSelect: (index) => {
      if (index === 0) {
        picked = null;
        return say("keys act on all services");
      }
      const name = names[index - 1];
      if (name === undefined) return say(`no service ${index}; press h for the numbers`);
      picked = name;
      say(`keys act on ${name} (0: all services)`);
    },
    onInput: (text) => {
      if (picked === null) {
        say("pick a service with its number first: typed lines go to that service's stdin");
        return;
      }
      const stdin = supervisor.loop(picked)?.childStdin();
      if (stdin) stdin.write(text);
      else log.debug(`typed a line with ${picked} not running; dropped`);
    },
    onCommand: (command) => {
      const target = picked ?? undefined;
      switch (command) {
        case "rebuild":
        case "restart":
          return supervisor.command(command, target);
        case "quit":
          return supervisor.command("quit");
        case "stop-start":
          for (const name of target ? [target] : names) {
            const loop = supervisor.loop(name);
            if (loop) supervisor.command(loop.state().active ? "stop" : "start", name);
          }
          return;
        case "clear":
          err.write(CLEAR_SCREEN);
          return;
        case "help": {
          const now = picked ? `keys act on ${picked}` : "keys act on all services";
          err.write(
            `${tag} keys (${now})\n${keyHelp({ bold: paint("1"), dim: paint("2") }, names)}\n`,
          );
          return;
        }
      }
    },
  });
}
