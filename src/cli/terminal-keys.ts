/**
 * Wires the keyboard (src/cli/keys.ts) to the engine: shortcuts become engine commands,
 * `c` and `h` act on the terminal, and lines typed for the server go to its stdin.
 */
import type { EngineLoop } from "../engine/loop.ts";
import { CLEAR_SCREEN } from "../events/pretty.ts";
import type { Logger } from "../log.ts";
import { keyHelp, listenForKeys } from "./keys.ts";

export function bindTerminalKeys(options: {
  loop: Pick<EngineLoop, "send" | "state" | "childStdin">;
  color: boolean;
  log: Logger;
  err?: { write(text: string): unknown };
}): { close(): void } {
  const err = options.err ?? process.stderr;
  const paint = (code: string) => (text: string) =>
    options.color ? `\x1b[${code}m${text}\x1b[0m` : text;
  const tag = paint("35")("hotreload");
  const { loop, log } = options;
  return listenForKeys({
    log,
    echo: (text) => err.write(text),
    onInput: (text) => {
      const stdin = loop.childStdin();
      if (stdin) stdin.write(text);
      else log.debug("typed a line with no server running; dropped");
    },
    onCommand: (command) => {
      switch (command) {
        case "rebuild":
        case "restart":
        case "quit":
          return loop.send({ type: "command", command });
        case "stop-start":
          return loop.send({ type: "command", command: loop.state().active ? "stop" : "start" });
        case "clear":
          err.write(CLEAR_SCREEN);
          return;
        case "help":
          err.write(`${tag} keys\n${keyHelp({ bold: paint("1"), dim: paint("2") })}\n`);
          return;
      }
    },
  });
}
