import { describe, expect, test } from "bun:test";
import {
  startLoad,
  startProxy,
  startUpstream,
  type TestProxy,
  type Upstream,
  until,
} from "../helpers/proxy-harness.ts";

const SWAPS = 25;
const CLIENTS = 4;

/** An instance named `name`; `?size=` sets the body size (small ones read whole, big ones stream). */
function instance(name: string): Upstream {
  return startUpstream(name, (req) => {
    const size = Number(new URL(req.url).searchParams.get("size") ?? 1000);
    return new Response(name.padEnd(size, "."));
  });
}

/** CLIENTS loops of keep-alive requests (GET and POST, 1 KB and 100 KB answers). */
function load(proxy: TestProxy) {
  return startLoad(proxy, {
    clients: CLIENTS,
    request: (i) => ({
      path: `/r${i}?size=${i % 3 === 0 ? 100_000 : 1000}`,
      init: i % 2 === 0 ? { method: "POST", body: "x".repeat(1000) } : undefined,
    }),
    accept: (body) => body.startsWith("v"),
  });
}

describe("proxy under load while the route switches", () => {
  test(`${SWAPS} overlap swaps (start new, route, drain old, stop old): zero failed requests`, async () => {
    await using proxy = await startProxy();
    let current = instance("v0");
    proxy.route(current.target);
    const traffic = load(proxy);
    const cut: number[] = [];
    for (let swap = 1; swap <= SWAPS; swap++) {
      const next = instance(`v${swap}`);
      proxy.route(next.target);
      const old = current;
      current = next;
      cut.push((await proxy.drain(old.target.id, 2000)).cut);
      await old.server.stop(true);
      await until(() => next.served >= 20, `traffic on instance v${swap}`, 10_000);
    }
    await traffic.stop();
    await current.server.stop(true);
    console.log(
      `overlap: ${SWAPS} swaps, ${traffic.ok} requests served, ${traffic.failures.length} failed`,
    );
    expect(traffic.failures).toEqual([]);
    expect(cut.every((n) => n === 0)).toBe(true);
  });

  test(`${SWAPS} stop-first swaps (hold, drain and stop old, start new, route): zero failed requests`, async () => {
    await using proxy = await startProxy();
    let current = instance("v0");
    proxy.route(current.target);
    const traffic = load(proxy);
    for (let swap = 1; swap <= SWAPS; swap++) {
      proxy.setStatus({ kind: "starting", hold: true });
      proxy.route(null);
      await proxy.drain(current.target.id, 2000);
      await current.server.stop(true);
      current = instance(`v${swap}`);
      proxy.route(current.target);
      const next = current;
      await until(() => next.served >= 20, `traffic on instance v${swap}`, 10_000);
    }
    await traffic.stop();
    await current.server.stop(true);
    console.log(
      `stop-first: ${SWAPS} swaps, ${traffic.ok} requests served, ${traffic.failures.length} failed`,
    );
    expect(traffic.failures).toEqual([]);
  });
});
