/**
 * A HEAD of a page through the proxy with live reload announces what its GET sends: the
 * length with the script tag, not the app's (which a client would trust and cut the GET
 * short by). Everything else keeps the app's headers.
 */
import { expect, test } from "bun:test";
import { silentLogger } from "../../src/log.ts";
import { createProxy } from "../../src/proxy/proxy.ts";

const PAGE = "<html><head><title>page</title></head><body>hello</body></html>";
const NAVIGATION = {
  "sec-fetch-dest": "document",
  "sec-fetch-mode": "navigate",
  accept: "text/html",
};

test("HEAD of a page: the Content-Length of the injected GET; a non-page HEAD is untouched", async () => {
  const app = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: (req) =>
      new URL(req.url).pathname === "/data"
        ? Response.json({ ok: true })
        : new Response(PAGE, { headers: { "content-type": "text/html; charset=utf-8" } }),
  });
  const created = await createProxy({
    host: "127.0.0.1",
    port: 0,
    allowedHosts: [],
    log: silentLogger,
    holdMax: 10,
    holdTimeoutMs: 1000,
    liveReload: true,
  });
  if (!created.ok) throw new Error(created.error.message);
  const proxy = created.value;
  try {
    proxy.route({ id: 1, port: app.port as number });
    const get = await fetch(`${proxy.url}/`, { headers: NAVIGATION });
    const body = await get.text();
    expect(body).toContain("/__hotreload/client.js");
    const head = await fetch(`${proxy.url}/`, { method: "HEAD", headers: NAVIGATION });
    expect(Number(head.headers.get("content-length"))).toBe(new TextEncoder().encode(body).length);
    const data = await fetch(`${proxy.url}/data`, { method: "HEAD" });
    const direct = await fetch(`http://127.0.0.1:${app.port}/data`, { method: "HEAD" });
    expect(data.headers.get("content-length")).toBe(direct.headers.get("content-length"));
  } finally {
    await proxy.close();
    app.stop(true);
  }
});
