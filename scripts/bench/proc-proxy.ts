/**
 * The children of the proxy scenario (scenario-proxy.ts):
 *   `bun proc-proxy.ts app`          an app answering every request with 1 KB
 *   `bun proc-proxy.ts proxy <port>` hotreload's proxy stage routed to that app
 * Each prints `PORT <n>` on stdout once it listens, then serves until it is stopped.
 */
import { silentLogger } from "../../src/log.ts";
import { createProxy } from "../../src/proxy/proxy.ts";

/** hotreload's proxy stage on a free port, routed to `upstream`; prints `PORT <n>`. */
export async function serveProxyTo(upstream: number, liveReload = false): Promise<void> {
  const created = await createProxy({
    host: "127.0.0.1",
    port: 0,
    allowedHosts: [],
    log: silentLogger,
    holdMax: 1000,
    holdTimeoutMs: 30_000,
    liveReload,
  });
  if (!created.ok) throw new Error(created.error.message);
  created.value.route({ id: 1, port: upstream });
  console.log(`PORT ${created.value.port}`);
}

const [role, upstream] = import.meta.main ? process.argv.slice(2) : [];
if (role === "app") {
  const body = "x".repeat(1024);
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response(body) });
  console.log(`PORT ${server.port}`);
} else if (role === "proxy") {
  await serveProxyTo(Number(upstream));
}
