/**
 * Runs the hotreload CLI (source or compiled binary) with --json and collects its events,
 * so tests wait for the event they need, with a deadline, instead of sleeping.
 */
import { join } from "node:path";
import type { Event } from "../../src/events/types.ts";

export const MAIN = join(import.meta.dir, "..", "..", "src", "main.ts");

export interface HotreloadProcess extends AsyncDisposable {
  readonly proc: ReturnType<typeof Bun.spawn>;
  readonly events: Event[];
  readonly stderr: string[];
  /** Resolves with the first event (after index `from`) matching, or fails showing what was seen. */
  waitFor<T extends Event["type"]>(
    type: T,
    match?: (e: Extract<Event, { type: T }>) => boolean,
    timeoutMs?: number,
    from?: number,
  ): Promise<Extract<Event, { type: T }>>;
  count(type: Event["type"]): number;
  exited: Promise<number>;
}

/** The URL with the token, from the line hotreload prints at start. */
export async function dashboardUrl(hr: HotreloadProcess): Promise<string> {
  const deadline = performance.now() + 30_000;
  for (;;) {
    const line = hr.stderr.find((l) => /http:\/\/127\.0\.0\.1:\d+\/\?token=/.test(l));
    if (line) return /http:\S+/.exec(line)![0];
    if (performance.now() > deadline)
      throw new Error(`no dashboard URL printed; stderr:\n${hr.stderr.join("\n")}`);
    await hr.waitFor("phase", () => true, 30_000).catch(() => undefined);
    await Bun.sleep(20); // polling interval of a deadline-bounded wait
  }
}

export function freePort(): number {
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("") });
  const port = server.port as number;
  server.stop(true);
  return port;
}

export function startHotreload(
  args: string[],
  options: { cwd: string; env?: Record<string, string>; command?: string[] },
): HotreloadProcess {
  const proc = Bun.spawn([...(options.command ?? [process.execPath, MAIN]), ...args, "--json"], {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: "1", ...options.env },
    stdin: "pipe",
    stdout: "pipe",
    stderr: "pipe",
  });
  const events: Event[] = [];
  const stderr: string[] = [];
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const waiter of waiters) waiter();
  };
  const pump = async (stream: ReadableStream<Uint8Array>, onLine: (line: string) => void) => {
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of stream) {
      buffer += decoder.decode(chunk, { stream: true });
      let newline = buffer.indexOf("\n");
      while (newline >= 0) {
        onLine(buffer.slice(0, newline));
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf("\n");
      }
    }
    if (buffer) onLine(buffer);
  };
  void pump(proc.stdout, (line) => {
    try {
      events.push(JSON.parse(line) as Event);
    } catch {
      stderr.push(`(stdout, not JSON) ${line}`);
    }
    wake();
  });
  void pump(proc.stderr, (line) => {
    stderr.push(line);
    wake();
  });
  const exited = proc.exited.then((code) => {
    wake();
    return code;
  });
  let exitedFlag = false;
  void exited.then(() => {
    exitedFlag = true;
  });

  return {
    proc,
    events,
    stderr,
    exited,
    count: (type) => events.filter((e) => e.type === type).length,
    waitFor(type, match = () => true, timeoutMs = 20_000, from = 0) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.slice(from).find((e) => e.type === type && match(e as never));
          if (found) {
            cleanup();
            resolve(found as never);
          } else if (exitedFlag) {
            cleanup();
            reject(new Error(`hotreload exited before ${type}\n${describe()}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no ${type} within ${timeoutMs} ms\n${describe()}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async [Symbol.asyncDispose]() {
      if (!exitedFlag) {
        proc.kill("SIGTERM");
        const timer = setTimeout(() => proc.kill("SIGKILL"), 8000);
        await exited;
        clearTimeout(timer);
      }
    },
  };

  function describe() {
    const seen = events.map((e) =>
      e.type === "log"
        ? `log ${e.stream}: ${e.line}`
        : `${e.type} ${JSON.stringify(e).slice(0, 160)}`,
    );
    return `events seen:\n  ${seen.slice(-40).join("\n  ")}\nstderr:\n  ${stderr.slice(-20).join("\n  ")}`;
  }
}
