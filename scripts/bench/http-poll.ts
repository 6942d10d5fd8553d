/**
 * "Served": poll GET on loopback until the body shows the expected text. Polls back to back
 * with at most a 1 ms pause (the brief's resolution is 2 ms), a fresh connection each time
 * so a stopping server is not kept alive by our keep-alive, and a deadline. Returns when
 * the new text was served, and how long nothing answered before that (0: never down).
 */
export async function waitServed(
  url: string,
  expected: string,
  timeoutMs: number,
): Promise<{ at: number; downMs: number }> {
  const deadline = performance.now() + timeoutMs;
  let last = "nothing yet";
  let downSince: number | null = null;
  while (performance.now() < deadline) {
    try {
      const response = await fetch(url, {
        keepalive: false,
        headers: { connection: "close" },
        signal: AbortSignal.timeout(Math.max(1, Math.min(1000, deadline - performance.now()))),
      });
      const body = await response.text();
      const at = performance.now();
      if (body.includes(expected)) return { at, downMs: downSince === null ? 0 : at - downSince };
      last = `${response.status} ${body.trim().slice(0, 80)}`;
    } catch (error) {
      // Refused or reset while the server restarts: expected; keep the last one for the error.
      last = String(error);
      downSince ??= performance.now();
    }
    await Bun.sleep(1);
  }
  throw new Error(
    `${url} did not serve ${JSON.stringify(expected)} within ${timeoutMs} ms (last: ${last})`,
  );
}

/** A loopback port that was free a moment ago (the `Bun.serve({ port: 0 })` trick). */
export function freePort(): number {
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("") });
  const port = server.port as number;
  server.stop(true);
  return port;
}
