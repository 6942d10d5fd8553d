/**
 * The proxy stage with the real example servers as instances (stage level: the test does
 * what the engine will do). Under four client loops, 20 overlap swaps each start a new
 * process on a fresh port, wait for its port, route to it, drain the old one and stop it
 * with SIGTERM: zero failed requests, in-flight /slow requests included; a websocket on
 * the old instance is closed with 1012 and a new one reaches the new instance (Bun's
 * example; the Go one has no websocket).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { waitForPort } from "../../src/health/port-ready.ts";
import { pickFreePort } from "../../src/proxy/free-port.ts";
import { buildGoServer, type ServerProcess, startServer } from "../helpers/example-server.ts";
import { startLoad, startProxy, type TestProxy, until } from "../helpers/proxy-harness.ts";

const EXAMPLES = resolve(import.meta.dir, "../../examples");
const SWAPS = 20;

interface Instance {
  server: ServerProcess;
  target: { id: number; port: number };
}

async function startInstance(command: string[], cwd: string, id: number): Promise<Instance> {
  const port = await pickFreePort();
  const server = startServer(command, { cwd, env: { PORT: String(port) } });
  const ready = await waitForPort(port, AbortSignal.timeout(15_000));
  if (!ready.ok)
    throw new Error(`instance ${id} never listened on ${port}: ${server.lines().join("\n")}`);
  return { server, target: { id, port } };
}

async function stopInstance(instance: Instance): Promise<void> {
  instance.server.kill("SIGTERM");
  expect(await instance.server.waitForExit()).toBe(0);
}

function swapContract(
  name: string,
  command: () => string[],
  cwd: string,
  o: { websocket: boolean },
) {
  /** Runs SWAPS swaps under four client loops; `swap` replaces `current` and returns the new one. */
  async function swapsUnderLoad(
    proxy: TestProxy,
    swap: (current: Instance, id: number) => Promise<Instance>,
  ) {
    let id = 1;
    let current = await startInstance(command(), cwd, id);
    proxy.route(current.target);
    const load = startLoad(proxy, {
      clients: 4,
      request: (i) => ({ path: i % 10 === 0 ? "/slow?ms=30" : "/" }),
      accept: (body) => body.includes("version"),
    });
    try {
      for (let n = 1; n <= SWAPS; n++) {
        current = await swap(current, ++id);
        const seen = load.ok;
        await until(() => load.ok >= seen + 10, `requests served by instance ${id}`, 10_000);
      }
    } finally {
      await load.stop();
      await stopInstance(current);
    }
    return load;
  }

  test(`${name}: ${SWAPS} overlap swaps of real processes under load, zero failed requests`, async () => {
    await using proxy = await startProxy();
    const load = await swapsUnderLoad(proxy, async (old, id) => {
      const next = await startInstance(command(), cwd, id);
      proxy.route(next.target);
      expect((await proxy.drain(old.target.id, 5000)).cut).toBe(0);
      await stopInstance(old);
      return next;
    });
    console.log(
      `${name} overlap: ${SWAPS} swaps, ${load.ok} requests, ${load.failures.length} failed`,
    );
    expect(load.failures).toEqual([]);
  }, 120_000);

  test(`${name}: ${SWAPS} stop-first swaps of real processes under load, zero failed requests`, async () => {
    await using proxy = await startProxy();
    const load = await swapsUnderLoad(proxy, async (old, id) => {
      proxy.setStatus({ kind: "starting", hold: true });
      proxy.route(null);
      await proxy.drain(old.target.id, 5000);
      await stopInstance(old);
      const next = await startInstance(command(), cwd, id);
      proxy.route(next.target);
      return next;
    });
    console.log(
      `${name} stop-first: ${SWAPS} swaps, ${load.ok} requests, ${load.failures.length} failed`,
    );
    expect(load.failures).toEqual([]);
  }, 120_000);

  test.skipIf(!o.websocket)(
    `${name}: a websocket on the old instance gets 1012 at the end of its drain; a new one reaches the new instance`,
    async () => {
      await using proxy = await startProxy();
      const a = await startInstance(command(), cwd, 1);
      const b = await startInstance(command(), cwd, 2);
      try {
        proxy.route(a.target);
        const old = new WebSocket(`${proxy.url.replace("http", "ws")}/ws`);
        const closed = new Promise<number>((r) => old.addEventListener("close", (e) => r(e.code)));
        await new Promise((r) => old.addEventListener("open", r));
        proxy.route(b.target);
        const fresh = new WebSocket(`${proxy.url.replace("http", "ws")}/ws`);
        const greeting = new Promise<string>((r) =>
          fresh.addEventListener("message", (e) => r(String(e.data))),
        );
        expect(await proxy.drain(a.target.id, 5000)).toMatchObject({ websockets: 1 });
        expect(await closed).toBe(1012);
        expect(await greeting).toContain("version");
        await stopInstance(a);
        // The new socket keeps working after the old instance is gone.
        const echoed = new Promise<string>((r) =>
          fresh.addEventListener("message", (e) => {
            if (String(e.data).includes("after-swap")) r(String(e.data));
          }),
        );
        fresh.send("after-swap");
        expect(await echoed).toContain("after-swap");
        fresh.close();
      } finally {
        await stopInstance(b);
      }
    },
    60_000,
  );
}

const go = Bun.which("go");

describe.skipIf(!go)("proxy with examples/go-server", () => {
  let tmp = "";
  let binary = "";
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), "hotreload-proxy-go-"));
    binary = join(tmp, "server");
    await buildGoServer(go as string, join(EXAMPLES, "go-server"), binary);
  }, 120_000);
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });
  // The Go example has no websocket (the standard library has none).
  swapContract("go", () => [binary], join(EXAMPLES, "go-server"), { websocket: false });
});

describe("proxy with examples/bun-server", () => {
  swapContract("bun", () => [process.execPath, "server.ts"], join(EXAMPLES, "bun-server"), {
    websocket: true,
  });
});
