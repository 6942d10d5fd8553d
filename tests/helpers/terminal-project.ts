/**
 * A tiny Bun HTTP app in a temp tree for the terminal tests: it answers its version, prints
 * a ready line with its pid, echoes what arrives on stdin, and paints one line red itself
 * (so tests can tell its own escape codes from ours). Cache and state dirs are private.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, MAIN } from "./hotreload-process.ts";

export const APP_SOURCE = `const version = "one";
const server = Bun.serve({ hostname: "127.0.0.1", port: Number(process.env.PORT), fetch: () => new Response(version) });
process.on("SIGTERM", () => { server.stop(true); process.exit(0); });
process.stdout.write(\`app ready \${version} pid=\${process.pid}\\n\`);
process.stdout.write("\\x1b[31mapp paints this red\\x1b[0m\\n");
process.stdin.setEncoding("utf8");
process.stdin.on("data", (data) => process.stdout.write(\`app got: \${JSON.stringify(data)}\\n\`));
`;

export interface TerminalProject extends Disposable {
  /** The project root (the tree hotreload watches). */
  readonly root: string;
  readonly port: number;
  /** Environment for hotreload: private cache/state, no colour or link overrides. */
  readonly env: Record<string, string | undefined>;
  /** Replaces text in app.ts, refusing an edit that changes nothing. */
  edit(from: string, to: string): void;
  /** GET / of the running app (its version). */
  get(): Promise<string>;
  /** A shell command line running hotreload with these arguments. */
  command(args?: string[]): string;
}

export function terminalProject(extraConfig: string[] = []): TerminalProject {
  const top = mkdtempSync(join(tmpdir(), "hotreload-term-"));
  const root = join(top, "project");
  mkdirSync(root);
  const port = freePort();
  writeFileSync(join(root, "app.ts"), APP_SOURCE);
  writeFileSync(
    join(root, ".hotreload.yaml"),
    [
      'build: bun build ./app.ts --target=bun --outfile="$HOTRELOAD_CACHE_DIR/app.js"',
      'exec: bun "$HOTRELOAD_CACHE_DIR/app.js"',
      'ext: [".ts"]',
      `env: { PORT: "${port}" }`,
      `health_check: { enabled: true, url: "http://127.0.0.1:${port}/", interval: 100ms }`,
      "notifications: { enabled: false }",
      ...extraConfig,
    ].join("\n"),
  );
  const env: Record<string, string | undefined> = {
    XDG_CACHE_HOME: join(top, "cache"),
    XDG_STATE_HOME: join(top, "state"),
    NO_COLOR: undefined,
    FORCE_COLOR: undefined,
    FORCE_HYPERLINK: undefined,
    HOTRELOAD_LOG_LEVEL: undefined,
  };
  const file = join(root, "app.ts");
  return {
    root,
    port,
    env,
    edit(from, to) {
      const before = readFileSync(file, "utf8");
      const after = before.replace(from, to);
      if (after === before) throw new Error(`editing app.ts: ${from} is not in it`);
      writeFileSync(file, after);
    },
    async get() {
      return (await fetch(`http://127.0.0.1:${port}/`)).text();
    },
    command(args = []) {
      return [process.execPath, MAIN, ...args].map(shellQuote).join(" ");
    },
    [Symbol.dispose]() {
      rmSync(top, { recursive: true, force: true });
    },
  };
}

export function shellQuote(word: string): string {
  return /^[\w./:=@%+-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}
