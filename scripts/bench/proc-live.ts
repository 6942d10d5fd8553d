/**
 * The children of the live-reload scenario's injection cost (scenario-live.ts):
 *   `bun proc-live.ts app`                 answers every request with a 1 MB HTML page
 *   `bun proc-live.ts app-gzip`            the same page gzip'd once, whatever the client asks
 *   `bun proc-live.ts app-gzip-each`       gzip'd for every request, as most apps do
 *   `bun proc-live.ts proxy <port> on|off` hotreload's proxy stage routed to that app,
 *                                          live reload on or off
 * Each prints `PORT <n>` on stdout once it listens, then serves until it is stopped.
 */
import { gzipSync } from "node:zlib";
import { serveProxyTo } from "./proc-proxy.ts";

export const PAGE_BYTES = 1024 * 1024;

const [role, upstream, live] = process.argv.slice(2);
if (role === "app" || role === "app-gzip" || role === "app-gzip-each") {
  // Rows that differ (ids, numbers, a drawn word order) so it compresses like real HTML
  // (about 6:1 with gzip), not like one repeated line.
  const words = "alpha beta gamma delta order item price total user name date status note".split(
    " ",
  );
  let seed = 42;
  const next = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed;
  };
  const head = "<!doctype html><html><head><title>1 MB</title></head><body><table>\n";
  let rows = "";
  for (let i = 0; rows.length < PAGE_BYTES - head.length; i++) {
    const text = Array.from({ length: 6 }, () => words[next() % words.length]).join(" ");
    rows += `<tr id="r${i}"><td>${next() % 100_000}</td><td class="c${next() % 7}">${text}</td><td>${(next() % 10_000) / 100}</td></tr>\n`;
  }
  const page = new TextEncoder().encode(`${head}${rows}</table></body></html>\n`);
  const gzipped = gzipSync(page);
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: () =>
      role === "app"
        ? new Response(page, { headers: { "content-type": "text/html; charset=utf-8" } })
        : new Response(role === "app-gzip" ? gzipped : gzipSync(page), {
            headers: { "content-type": "text/html; charset=utf-8", "content-encoding": "gzip" },
          }),
  });
  console.log(`PORT ${server.port}`);
} else {
  await serveProxyTo(Number(upstream), live === "on");
}
