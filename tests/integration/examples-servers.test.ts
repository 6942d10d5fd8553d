/**
 * The example servers behave as their READMEs say: real builds, real processes, real HTTP.
 * Each server is started with PORT=0 and announces the port it got.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import YAML from "yaml";
import { configSchema } from "../../src/config/schema.ts";
import { buildGoServer, type ServerProcess, startServer } from "../helpers/example-server.ts";

const EXAMPLES = resolve(import.meta.dir, "../../examples");
const GO_DIR = join(EXAMPLES, "go-server");
const BUN_DIR = join(EXAMPLES, "bun-server");
const LISTENING = /^listening on (http:\/\/127\.0\.0\.1:(\d+))$/;

async function versionIn(file: string, pattern: RegExp): Promise<string> {
  const match = (await readFile(file, "utf8")).match(pattern);
  if (!match?.[1]) throw new Error(`no version constant found in ${file}`);
  return match[1];
}

async function started(server: ServerProcess): Promise<string> {
  const match = await server.waitForLine(LISTENING);
  expect(Number(match[2])).toBeGreaterThan(0);
  return match[1]!;
}

/** The behaviour both servers share; `command` starts one with PORT=0. */
function serverContract(name: string, command: () => string[], cwd: string, version: () => string) {
  const start = () => startServer(command(), { cwd, env: { PORT: "0" } });

  test(`${name}: /, /health, 404, request log, SIGTERM drains and exits 0`, async () => {
    await using server = start();
    const base = await started(server);

    const root = await fetch(`${base}/`);
    expect(root.status).toBe(200);
    expect(await root.text()).toBe(`Server running - version ${version()}\n`);

    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect(health.headers.get("content-type")).toContain("application/json");
    const body = (await health.json()) as Record<string, unknown>;
    expect(body).toEqual({
      status: "ok",
      version: version(),
      uptime_ms: expect.any(Number),
      pid: server.pid,
    });
    expect(body.uptime_ms as number).toBeGreaterThanOrEqual(0);

    expect((await fetch(`${base}/nope`)).status).toBe(404);
    await server.waitForLine(/^GET \/health 200\b/);
    await server.waitForLine(/^GET \/nope 404\b/);

    server.kill("SIGTERM");
    expect(await server.waitForExit()).toBe(0);
    expect(server.lines()).toContainEqual(expect.stringMatching(/^shutting down/));
  });

  test(`${name}: /crash answers, then exits with status 1`, async () => {
    await using server = start();
    const base = await started(server);
    const crash = await fetch(`${base}/crash`);
    expect(crash.status).toBe(200);
    expect(await crash.text()).toBe("crashing on purpose (exit status 1)\n");
    expect(await server.waitForExit()).toBe(1);
  });

  test(`${name}: /slow answers after the time asked, /events streams the version`, async () => {
    await using server = start();
    const base = await started(server);
    const begin = performance.now();
    const slow = await fetch(`${base}/slow?ms=150`);
    expect(await slow.text()).toBe(`slow answer after 150 ms - version ${version()}\n`);
    expect(performance.now() - begin).toBeGreaterThanOrEqual(140);

    const controller = new AbortController();
    const events = await fetch(`${base}/events`, { signal: controller.signal });
    expect(events.headers.get("content-type")).toContain("text/event-stream");
    const reader = (events.body as ReadableStream<Uint8Array>).getReader();
    let text = "";
    while (!text.includes("tick 1\n\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    expect(text).toStartWith(
      `data: version ${version()} tick 0\n\ndata: version ${version()} tick 1\n\n`,
    );
  });

  test(`${name}: SIGINT also shuts down gracefully`, async () => {
    await using server = start();
    await started(server);
    server.kill("SIGINT");
    expect(await server.waitForExit()).toBe(0);
    expect(server.lines()).toContainEqual(expect.stringMatching(/^shutting down/));
  });

  test(`${name}: .hotreload.yaml is valid, points at the schema, keeps build output out of the watch`, async () => {
    const text = await readFile(join(cwd, ".hotreload.yaml"), "utf8");
    expect(text.split("\n")[0]).toBe(
      "# yaml-language-server: $schema=../../schema/hotreload.schema.json",
    );
    const checked = configSchema.check(YAML.parse(text), []);
    if (!checked.ok) throw new Error(`invalid: ${JSON.stringify(checked.problems, null, 2)}`);
    expect(checked.value.health_check.enabled).toBe(true);
    // The build writes either outside the tree (the cache dir) or into an ignored folder.
    const output = checked.value.build?.match(/(?:-o|--outfile=)\s*"?([^"\s]+)/)?.[1];
    if (!output) throw new Error(`no output path in build: ${checked.value.build}`);
    if (!output.startsWith("$HOTRELOAD_CACHE_DIR/")) {
      const folder = output.replace(/^\.\//, "").split("/")[0];
      expect(checked.value.ignore_patterns).toContain(`${folder}/**`);
      expect(await readFile(join(cwd, ".gitignore"), "utf8")).toMatch(
        new RegExp(`^${folder}/$`, "m"),
      );
    }
  });
}

const go = Bun.which("go");

describe.skipIf(!go)("examples/go-server", () => {
  let tmp = "";
  let binary = "";
  let version = "";

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), "hotreload-go-server-"));
    binary = join(tmp, "server");
    version = await versionIn(join(GO_DIR, "handler.go"), /^const version = "([^"]+)"$/m);
    await buildGoServer(go!, GO_DIR, binary);
  }, 120_000);

  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  serverContract(
    "go",
    () => [binary],
    GO_DIR,
    () => version,
  );

  test("go: go.mod targets Go 1.19 with module example.com/go-server", async () => {
    const mod = await readFile(join(GO_DIR, "go.mod"), "utf8");
    expect(mod).toMatch(/^module example\.com\/go-server$/m);
    expect(mod).toMatch(/^go 1\.19$/m);
    expect(mod).not.toMatch(/^require/m);
  });
});

if (!go) {
  test.skip("examples/go-server: skipped because `go` is not on PATH", () => {});
}

describe("examples/bun-server", () => {
  let version = "";
  beforeAll(async () => {
    version = await versionIn(join(BUN_DIR, "handler.ts"), /^export const version = "([^"]+)";$/m);
  });
  serverContract(
    "bun",
    () => [process.execPath, "server.ts"],
    BUN_DIR,
    () => version,
  );
});

test("examples/bun-server: /ws greets with the version and echoes text and binary", async () => {
  const version = await versionIn(
    join(BUN_DIR, "handler.ts"),
    /^export const version = "([^"]+)";$/m,
  );
  await using server = startServer([process.execPath, "server.ts"], {
    cwd: BUN_DIR,
    env: { PORT: "0" },
  });
  const base = await started(server);
  const ws = new WebSocket(`${base.replace("http", "ws")}/ws`);
  ws.binaryType = "arraybuffer";
  const received: unknown[] = [];
  const next = () =>
    new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no message; got ${received.length}`)), 5000);
      ws.addEventListener(
        "message",
        (m) => {
          clearTimeout(timer);
          received.push(m.data);
          resolve(m.data);
        },
        { once: true },
      );
    });
  expect(await next()).toBe(`hello from version ${version}`);
  ws.send("ping");
  expect(await next()).toBe("ping");
  ws.send(new Uint8Array([1, 2, 3]));
  expect([...new Uint8Array((await next()) as ArrayBuffer)]).toEqual([1, 2, 3]);
  ws.close(1000);
});
