/**
 * hotreload with its proxy in front of an example server, for the zero-downtime tests: a
 * copy of the example in a temp dir, a config with the proxy on, a load loop that counts
 * every failed request, and edits that each wait for the version they wrote to be served.
 */
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, type HotreloadProcess, startHotreload } from "./hotreload-process.ts";
import { tempDir } from "./temp-dir.ts";

export interface ProxiedExample {
  example: "go-server" | "bun-server";
  build: string;
  exec: string;
  handler: string;
  /** The version constant's pattern in the handler file, with the version in group 1. */
  versionPattern: RegExp;
}

export const GO: ProxiedExample = {
  example: "go-server",
  build: 'go build -o "$HOTRELOAD_CACHE_DIR/server" .',
  exec: '"$HOTRELOAD_CACHE_DIR/server"',
  handler: "handler.go",
  versionPattern: /const version = "([^"]+)"/,
};

export const BUN: ProxiedExample = {
  example: "bun-server",
  // As examples/bun-server/.hotreload.yaml: bundling makes a syntax error fail the build.
  build: `${JSON.stringify(process.execPath)} build ./server.ts --target=bun --outfile="$HOTRELOAD_CACHE_DIR/server.js"`,
  exec: `${JSON.stringify(process.execPath)} "$HOTRELOAD_CACHE_DIR/server.js"`,
  handler: "handler.ts",
  versionPattern: /export const version = "([^"]+)"/,
};

export interface ProxiedRun extends AsyncDisposable {
  hr: HotreloadProcess;
  dir: string;
  /** The proxy's base URL. */
  base: string;
  /** Writes `version` into the handler and resolves once the proxy serves it. */
  setVersion(version: string): Promise<void>;
  /** Rewrites the handler with `change` (e.g. a broken build) without waiting. */
  editHandler(change: (text: string) => string): void;
}

export async function startProxied(
  spec: ProxiedExample,
  /** More `proxy:` keys, in YAML flow style: "swap: stop_first, drain_timeout: 1s". */
  proxyKeys = "",
  timeoutMs = 60_000,
): Promise<ProxiedRun> {
  const temp = tempDir();
  const dir = join(temp.path, "project");
  cpSync(join(import.meta.dir, "..", "..", "examples", spec.example), dir, { recursive: true });
  const port = freePort();
  writeFileSync(
    join(dir, ".hotreload.yaml"),
    [
      `build: ${JSON.stringify(spec.build)}`,
      `exec: ${JSON.stringify(spec.exec)}`,
      `ext: [".go", ".ts"]`,
      `proxy: { enabled: true, port: ${port}${proxyKeys ? `, ${proxyKeys}` : ""} }`,
      // A loaded machine may take seconds to start a server: 10 s before a candidate fails.
      "health_check: { enabled: true, url: /health, interval: 100ms, max_retries: 100 }",
      "notifications: { enabled: false }",
    ].join("\n"),
  );
  const env = {
    XDG_CACHE_HOME: join(temp.path, "cache"),
    XDG_STATE_HOME: join(temp.path, "state"),
  };
  const hr = startHotreload([], { cwd: dir, env });
  const base = `http://127.0.0.1:${port}`;
  const handler = join(dir, spec.handler);
  await hr.waitFor("reload.done", undefined, timeoutMs);
  let seq = 1;
  return {
    hr,
    dir,
    base,
    editHandler(change) {
      const before = readFileSync(handler, "utf8");
      const after = change(before);
      if (after === before) throw new Error("the edit changed nothing");
      writeFileSync(handler, after);
    },
    async setVersion(version) {
      const before = readFileSync(handler, "utf8");
      const after = before.replace(spec.versionPattern, (line, old: string) =>
        line.replace(old, version),
      );
      if (after === before) throw new Error(`version ${version} is already in ${spec.handler}`);
      const from = hr.events.length;
      writeFileSync(handler, after);
      seq += 1;
      await hr.waitFor("reload.done", undefined, timeoutMs, from);
      const text = await (await fetch(`${base}/`)).text();
      if (!text.includes(`version ${version}`))
        throw new Error(`after reload ${seq} the proxy served ${JSON.stringify(text)}`);
    },
    async [Symbol.asyncDispose]() {
      await hr[Symbol.asyncDispose]();
      temp[Symbol.dispose]();
    },
  };
}

export interface LoadLoop {
  /** Stops the loop and resolves with what it saw. */
  stop(): Promise<{ ok: number; failed: number; failures: string[]; slowestMs: number }>;
}

/** `clients` loops that GET `url` back to back; every error or non-2xx counts as failed. */
export function loadLoop(url: string, clients = 4): LoadLoop {
  let running = true;
  let ok = 0;
  let slowestMs = 0;
  const failures: string[] = [];
  const loop = async () => {
    while (running) {
      const begin = performance.now();
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
        await response.arrayBuffer();
        if (response.ok) ok++;
        else failures.push(`HTTP ${response.status}`);
      } catch (error) {
        failures.push(String(error));
      }
      slowestMs = Math.max(slowestMs, performance.now() - begin);
    }
  };
  const loops = Array.from({ length: clients }, loop);
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return { ok, failed: failures.length, failures: failures.slice(0, 10), slowestMs };
    },
  };
}
