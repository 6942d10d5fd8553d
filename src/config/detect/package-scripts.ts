/**
 * Reads package.json scripts the way a person does: `tsc && node dist/server.js` is a
 * build followed by a server; `nodemon app.js`, `node --watch app.js`, `tsx watch src/x.ts`
 * and `bun --hot src/x.ts` are the server without its own watcher (hotreload is the watcher);
 * `npm run x` is script x. Pure: no IO, the caller resolves binaries.
 */

export interface ParsedScript {
  /** Commands that must run before the server (the `a && b` parts before the last). */
  build: string[];
  /** The server's runner and the file it runs, when there is one (`node`, `./bin/www`). */
  runner: string;
  file: string | null;
  /** Everything after the runner, own watch flags removed. */
  args: string[];
}

/** Splits on whitespace, keeping quoted words together (quotes kept, as the shell needs them). */
export function shellWords(command: string): string[] {
  return command.match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? [];
}

const isFileLike = (word: string) => /\.(m?[jt]s|c[jt]s|tsx|jsx)$/.test(word) || word.includes("/");
const WATCH_FLAGS = /^--(watch|hot|watch-path(=.*)?|watch-preserve-output|no-clear-screen)$/;
const NODEMON_VALUE_FLAGS = new Set([
  "-e",
  "--ext",
  "-w",
  "--watch",
  "-i",
  "--ignore",
  "-d",
  "--delay",
]);

/** `npm run x`, `npm start`, `bun run x`, `yarn x`, `pnpm x`: the name of the script it runs. */
export function scriptReference(words: string[]): string | null {
  const [tool, first, second] = words;
  if (tool === "npm" || tool === "bun" || tool === "pnpm" || tool === "yarn") {
    if (first === "run" || first === "run-script")
      return second && !second.startsWith("-") && !isFileLike(second) ? second : null;
    if (first === "start" && tool !== "bun") return "start";
    if ((tool === "yarn" || tool === "pnpm") && first && !first.startsWith("-")) return first;
  }
  return null;
}

/** The server part of one command (no `&&`): runner, file and arguments. */
export function parseServer(command: string): Omit<ParsedScript, "build"> | null {
  let words = shellWords(command.trim()).filter((w) => !/^\w+=/.test(w) || w.includes("/"));
  if (words[0] === "cross-env") words = words.slice(1).filter((w) => !/^\w+=/.test(w));
  const [tool, ...rest] = words;
  if (!tool) return null;
  const fileIn = (args: string[]) => {
    const index = args.findIndex((w) => !w.startsWith("-") && isFileLike(w));
    return index < 0 ? { file: null, args } : { file: args[index] as string, args };
  };
  switch (tool) {
    case "node":
    case "tsx":
    case "ts-node":
    case "ts-node-dev":
    case "bun": {
      let args = rest.filter(
        (w) => !WATCH_FLAGS.test(w) && w !== "--respawn" && w !== "--transpile-only",
      );
      if ((tool === "tsx" && args[0] === "watch") || (tool === "bun" && args[0] === "run"))
        args = args.slice(1).filter((w) => !WATCH_FLAGS.test(w));
      const { file } = fileIn(args);
      if (file === null) return null;
      return { runner: tool === "ts-node-dev" ? "ts-node" : tool, file, args };
    }
    case "nodemon": {
      const args: string[] = [];
      for (let i = 0; i < rest.length; i++) {
        const w = rest[i] as string;
        if (NODEMON_VALUE_FLAGS.has(w)) i++;
        else if (w === "--exec" || w === "-x") return null;
        else if (!w.startsWith("-")) args.push(w);
      }
      const { file } = fileIn(args);
      return file === null ? null : { runner: "node", file, args };
    }
    default:
      if (tool.startsWith("./") || tool.startsWith("bin/"))
        return { runner: "", file: tool, args: rest };
      return { runner: tool, file: null, args: rest };
  }
}

/** A whole script: `a && b && server` → build [a, b], server. */
export function parseScript(script: string): ParsedScript | null {
  const parts = script
    .split("&&")
    .map((p) => p.trim())
    .filter(Boolean);
  const last = parts.pop();
  if (last === undefined) return null;
  const server = parseServer(last);
  return server ? { build: parts, ...server } : null;
}

/** Known dev servers of frameworks: run as the server, not as a build step. */
export const FRAMEWORK_DEV = new Set([
  "next",
  "nuxt",
  "nuxi",
  "vite",
  "astro",
  "remix",
  "react-router",
  "nest",
  "fastify",
  "svelte-kit",
  "vinxi",
  "wrangler",
]);
