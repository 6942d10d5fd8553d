/**
 * Whoever reads hotreload's output may go away (`hotreload --json | head -1`, a pager that
 * quits): reloads go on, the output to the closed pipe is dropped (said once on the stream
 * that is still open), and a quit is prompt with exit 0.
 */
import { afterEach, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isAlive } from "../../src/run/proc-info.ts";
import { waitUntil } from "../helpers/dashboard-harness.ts";
import { MAIN, startHotreload } from "../helpers/hotreload-process.ts";
import { collectStream, createLineCollector, waitAllDead } from "../helpers/run-processes.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const SERVER = `n=$(( $(cat starts 2>/dev/null || echo 0) + 1 )); echo $n > starts
echo "app stdout start $n"
echo "app stderr start $n ppid=$PPID" >&2
trap 'exit 0' TERM
while :; do sleep 0.05; done
`;

const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) if (isAlive(pid)) process.kill(pid, "SIGKILL");
});

/** hotreload piped into `head -1`; bash reports hotreload's own exit code. */
function startIntoHead(dir: string, extra: string[]) {
  const proc = Bun.spawn(
    [
      "bash",
      "-c",
      '"$@" | head -1 >/dev/null; exit "$PIPESTATUS"',
      "bash",
      process.execPath,
      MAIN,
      "--exec",
      "sh server.sh",
      "--ext",
      "txt",
      ...extra,
    ],
    { cwd: dir, env: { ...process.env, NO_COLOR: "1" }, stdout: "ignore", stderr: "pipe" },
  );
  const err = createLineCollector();
  const pump = collectStream(proc.stderr, err);
  return { proc, err, pump };
}

const starts = (dir: string) =>
  existsSync(join(dir, "starts")) ? Number(readFileSync(join(dir, "starts"), "utf8")) : 0;

test("stdout closed by its reader: reloads go on, said once on stderr, quit is prompt", async () => {
  using dir = tempDir();
  dir.write("server.sh", SERVER);
  dir.write("a.txt", "1");
  const hr = startIntoHead(dir.path, []);
  const first = await hr.err.waitFor("app stderr start 1", 30_000);
  const engine = Number(/ppid=(\d+)/.exec(first)?.[1]);
  expect(engine).toBeGreaterThan(1);
  started.push(engine);
  // head has read the first line and exited: stdout is a closed pipe from here on.
  for (let n = 2; n <= 4; n++) {
    writeFileSync(join(dir.path, "a.txt"), String(n));
    await hr.err.waitFor(`app stderr start ${n}`, 20_000);
  }
  expect(hr.err.lines.filter((l) => l.includes("stdout was closed"))).toHaveLength(1);
  const asked = performance.now();
  process.kill(engine, "SIGTERM");
  expect(await hr.proc.exited).toBe(0);
  expect(performance.now() - asked).toBeLessThan(3000);
  await hr.pump;
}, 90_000);

test("--json | head -1: the server is restarted on every change and quit exits 0 at once", async () => {
  using dir = tempDir();
  dir.write(
    "server.sh",
    SERVER.replace(
      'echo "app stderr',
      // Written once, whole (temp + rename): a half-written pid read as 0 would be kill(0).
      '[ -e engine ] || { echo "$PPID" > engine.tmp && mv engine.tmp engine; }; echo "app',
    ),
  );
  dir.write("a.txt", "1");
  const hr = startIntoHead(dir.path, ["--json"]);
  await waitUntil(
    () => starts(dir.path) === 1,
    () => "no first start",
    30_000,
  );
  await waitUntil(
    () => existsSync(join(dir.path, "engine")),
    () => "no engine pid",
    5000,
  );
  const engine = Number(readFileSync(join(dir.path, "engine"), "utf8"));
  expect(engine).toBeGreaterThan(1);
  started.push(engine);
  for (let n = 2; n <= 4; n++) {
    writeFileSync(join(dir.path, "a.txt"), String(n));
    await waitUntil(
      () => starts(dir.path) === n,
      () => `no start ${n}`,
      20_000,
    );
  }
  const asked = performance.now();
  process.kill(engine, "SIGTERM");
  expect(await hr.proc.exited).toBe(0);
  expect(performance.now() - asked).toBeLessThan(3000);
  await waitAllDead([engine], 1000);
  await hr.pump;
}, 90_000);

test("--json with stderr's reader gone: debug logs to it are dropped, reloads go on", async () => {
  using dir = tempDir();
  dir.write("server.sh", SERVER);
  dir.write("a.txt", "1");
  // stderr goes to a reader that takes one byte and exits; every debug line after that
  // is a write to a closed pipe.
  await using hr = startHotreload(
    ["--exec", "sh server.sh", "--ext", "txt", "--log-level", "debug"],
    {
      cwd: dir.path,
      command: [
        "bash",
        "-c",
        'exec "$@" 2> >(head -c 1 >/dev/null)',
        "bash",
        process.execPath,
        MAIN,
      ],
    },
  );
  await hr.waitFor("log", (e) => e.line === "app stdout start 1", 30_000);
  for (let n = 2; n <= 3; n++) {
    writeFileSync(join(dir.path, "a.txt"), String(n));
    await hr.waitFor("log", (e) => e.line === `app stdout start ${n}`, 20_000);
  }
  hr.proc.kill("SIGTERM");
  expect(await hr.exited).toBe(0);
}, 90_000);
