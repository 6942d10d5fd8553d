/**
 * The soak: hotreload under a hostile server for N reloads (scripts/bench/scenario-soak.ts;
 * `bun run soak` runs that section alone).
 *
 * The server (`sh server.sh`) starts a grandchild that holds the listening socket (a Bun
 * listener without SO_REUSEPORT, so one left behind makes the next bind fail with
 * EADDRINUSE) and takes 300 ms to exit on SIGTERM, and a worker daemonised with `setsid`
 * whose parent exits (out of the server's group and session). Each reload is a content
 * change of gen.txt; the soak waits until the new listener says it listens with that
 * generation and answers with it. Every 50 reloads it records hotreload's RSS and open
 * fds and how many processes of the run are alive; at the end, after hotreload quit, it
 * counts leftovers: every process whose environment carries this soak's marker (killed
 * then, by id). Linux only (reads /proc).
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "../../tests/helpers/hotreload-process.ts";
import { hotreloadArgv, hotreloadEnv, runDir } from "./proc-hotreload.ts";
import { readRssKb } from "./proc-stat.ts";

const LISTENER = `const gen = process.argv[2];
const port = Number(process.env.SOAK_PORT);
try {
  Bun.serve({ port, hostname: "127.0.0.1", reusePort: false, fetch: () => new Response(gen) });
  console.log(\`listening \${gen}\`);
} catch (error) {
  console.log(\`EADDRINUSE \${gen} \${String(error)}\`);
  process.exit(1);
}
process.on("SIGTERM", () => setTimeout(() => process.exit(0), 300));
`;

const SERVER = `"$SOAK_BUN" listener.ts "$(cat gen.txt)" &
listener=$!
setsid sh -c 'sleep 100000 & ' >/dev/null 2>&1
trap 'wait $listener; exit 0' TERM
wait $listener
`;

export interface SoakSample {
  reloads: number;
  rssMb: number;
  fds: number;
  alive: number;
}

function marked(marker: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/environ`).includes(`SOAK_MARK=${marker}\0`))
        pids.push(Number(name));
    } catch (error) {
      // Gone or not ours: not a process of this soak.
      void error;
    }
  }
  return pids;
}

export interface SoakResult {
  reloads: number;
  samples: SoakSample[];
  totalMs: number;
  eaddrinuse: number;
  /** Processes of the run still alive after hotreload quit. */
  leftovers: number;
  exitCode: number;
}

export async function runSoak(options: {
  top: string;
  reloads: number;
  log(message: string): void;
}): Promise<SoakResult> {
  const { top, reloads } = options;

  using dir = runDir("soak");
  writeFileSync(join(dir.root, "listener.ts"), LISTENER);
  writeFileSync(join(dir.root, "server.sh"), SERVER);
  writeFileSync(join(dir.root, "gen.txt"), "0");
  const marker = `${process.pid}-${Date.now()}`;
  const port = freePort();
  const proc = Bun.spawn(
    hotreloadArgv(top, ["--exec", "sh server.sh", "--ext", "txt", "--json", "--no-color"]),
    {
      cwd: dir.root,
      env: {
        ...process.env,
        ...hotreloadEnv(dir.path),
        SOAK_MARK: marker,
        SOAK_PORT: `${port}`,
        SOAK_BUN: process.execPath,
      },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let eaddrinuse = 0;
  let engine = 0;
  const waiting: { current: { gen: string; resolve(): void } | null } = { current: null };
  const seen = new Set<string>();
  void (async () => {
    let buffer = "";
    for await (const chunk of proc.stdout) {
      buffer += new TextDecoder().decode(chunk);
      for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
        const event = JSON.parse(buffer.slice(0, nl)) as {
          type: string;
          line?: string;
          pid?: number;
        };
        buffer = buffer.slice(nl + 1);
        if (event.type === "engine.started") engine = event.pid ?? 0;
        if (event.type !== "log" || !event.line) continue;
        if (event.line.startsWith("EADDRINUSE")) eaddrinuse++;
        const gen = /^listening (\d+)$/.exec(event.line)?.[1];
        if (gen === undefined) continue;
        seen.add(gen);
        if (waiting.current?.gen === gen) waiting.current.resolve();
      }
    }
  })();
  const listening = (gen: string, timeoutMs = 30_000) =>
    new Promise<void>((ok, fail) => {
      if (seen.has(gen)) return ok();
      const timer = setTimeout(
        () => fail(new Error(`generation ${gen} never listened`)),
        timeoutMs,
      );
      waiting.current = {
        gen,
        resolve: () => {
          clearTimeout(timer);
          ok();
        },
      };
    });

  const samples: SoakSample[] = [];
  const sample = (n: number) => {
    samples.push({
      reloads: n,
      rssMb: (readRssKb(engine) ?? 0) / 1024,
      fds: readdirSync(`/proc/${engine}/fd`).length,
      alive: marked(marker).length,
    });
  };
  const started = performance.now();
  let totalMs = 0;
  try {
    await listening("0", 60_000);
    sample(0);
    for (let n = 1; n <= reloads; n++) {
      writeFileSync(join(dir.root, "gen.txt"), String(n));
      await listening(String(n));
      const answer = await (await fetch(`http://127.0.0.1:${port}/`)).text();
      if (answer !== String(n)) throw new Error(`reload ${n}: stale code answered (${answer})`);
      if (n % 50 === 0 || n === reloads) {
        sample(n);
        options.log(`soak: ${n}/${reloads} reloads`);
      }
    }
    totalMs = performance.now() - started;
  } finally {
    proc.kill("SIGTERM");
    await proc.exited;
  }
  const leftovers = marked(marker);
  for (const pid of leftovers) process.kill(pid, "SIGKILL");
  const exitCode = proc.exitCode ?? -1;
  return { reloads, samples, totalMs, eaddrinuse, leftovers: leftovers.length, exitCode };
}
