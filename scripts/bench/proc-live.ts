/**
 * The children of the live-reload scenario's injection cost (scenario-live.ts):
 *   `bun proc-live.ts app`                 answers every request with a 1 MB HTML page
 *   `bun proc-live.ts app-gzip`            the same page gzip'd, whatever the client asks
 *   `bun proc-live.ts proxy <port> on|off` hotreload's proxy stage routed to that app,
 *                                          live reload on or off
 * Each prints `PORT <n>` on stdout once it listens, then serves until it is stopped.
 */
import { gzipSync } from "node:zlib";
import { silentLogger } from "../../src/log.ts";
import { createProxy } from "../../src/proxy/proxy.ts";

export const PAGE_BYTES = 1024 * 1024;

const [role, upstream, live] = process.argv.slice(2);
if (role === "app" || role === "app-gzip") {
  const row = "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod.</p>\n";
  const head = "<!doctype html><html><head><title>1 MB</title></head><body>\n";
  const rows = row.repeat(Math.ceil((PAGE_BYTES - head.length) / row.length));
  const page = new TextEncoder().encode(`${head}${rows}</body></html>\n`);
  const gzipped = gzipSync(page);
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: () =>
      role === "app"
        ? new Response(page, { headers: { "content-type": "text/html; charset=utf-8" } })
        : new Response(gzipped, {
            headers: { "content-type": "text/html; charset=utf-8", "content-encoding": "gzip" },
          }),
  });
  console.log(`PORT ${server.port}`);
} else {
  const created = await createProxy({
    host: "127.0.0.1",
    port: 0,
    allowedHosts: [],
    log: silentLogger,
    holdMax: 1000,
    holdTimeoutMs: 30_000,
    liveReload: live === "on",
  });
  if (!created.ok) throw new Error(created.error.message);
  created.value.route({ id: 1, port: Number(upstream) });
  console.log(`PORT ${created.value.port}`);
}
