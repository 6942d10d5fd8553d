/**
 * The children of the proxy scenario (scenario-proxy.ts):
 *   `bun proc-proxy.ts app`          an app answering every request with 1 KB
 *   `bun proc-proxy.ts proxy <port>` hotreload's proxy stage routed to that app
 *   `bun proc-proxy.ts pipe <port>`  a bare TCP pipe to that app on Bun's sockets: no HTTP,
 *                                    each client connection copied to one app connection —
 *                                    the ceiling of any proxy written on them
 * Each prints `PORT <n>` on stdout once it listens, then serves until it is stopped.
 */
import type { Socket } from "bun";
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
} else if (role === "pipe") {
  servePipeTo(Number(upstream));
}

interface PipeEnd {
  peer: Socket<PipeEnd> | null;
  early: Uint8Array[];
}

/** Bytes both ways between each client and its own connection to `upstream`; prints `PORT <n>`. */
function servePipeTo(upstream: number): void {
  const listener = Bun.listen<PipeEnd>({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      open(client) {
        client.data = { peer: null, early: [] };
        Bun.connect<PipeEnd>({
          hostname: "127.0.0.1",
          port: upstream,
          data: { peer: client, early: [] },
          socket: {
            open(app) {
              client.data.peer = app;
              for (const bytes of client.data.early) app.write(bytes);
            },
            data(app, bytes) {
              app.data.peer?.write(bytes);
            },
            close(app) {
              app.data.peer?.end();
            },
          },
        }).catch(() => client.end());
      },
      data(client, bytes) {
        if (client.data.peer) client.data.peer.write(bytes);
        else client.data.early.push(bytes);
      },
      close(client) {
        client.data.peer?.end();
      },
    },
  });
  console.log(`PORT ${listener.port}`);
}
