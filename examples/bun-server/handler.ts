/** The demo edits this line to show a reload: save, and / answers the new version. */
export const version = "1.0.0";

export interface HandlerOptions {
  /** When the server started, in epoch milliseconds. */
  startedAt: number;
  /** Called once the /crash response is on its way; it ends the process with status 1. */
  crash: () => void;
}

const SLOW_MAX_MS = 60_000;
const EVENTS_EVERY_MS = 100;

/**
 * Serves /, /page (an HTML page with /style.css, read from public/style.css at each
 * request: a stylesheet the proxy's live reload swaps without a restart), /health, /crash, /slow?ms=N (answers after N ms: an in-flight request across a
 * swap) and /events (server-sent events naming the version every 100 ms: a stream across
 * a swap); everything else is a 404. /ws (a websocket echo) is upgraded in server.ts.
 */
export function createHandler(
  options: HandlerOptions,
): (request: Request) => Response | Promise<Response> {
  return (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === "/") {
      return new Response(`Server running - version ${version}\n`, {
        headers: { "content-type": "text/plain; charset=utf-8" },
      });
    }
    if (pathname === "/page") {
      return new Response(pageHtml(), { headers: { "content-type": "text/html; charset=utf-8" } });
    }
    if (pathname === "/style.css") {
      // From the working directory (the project root): the bundled server runs elsewhere.
      return new Response(Bun.file("public/style.css"), {
        headers: { "content-type": "text/css; charset=utf-8", "cache-control": "no-cache" },
      });
    }
    if (pathname === "/health") {
      return Response.json({
        status: "ok",
        version,
        uptime_ms: Date.now() - options.startedAt,
        pid: process.pid,
      });
    }
    if (pathname === "/crash") {
      options.crash();
      return new Response("crashing on purpose (exit status 1)\n", {
        headers: { "content-type": "text/plain; charset=utf-8", connection: "close" },
      });
    }
    if (pathname === "/slow") {
      const asked = Number(new URL(request.url).searchParams.get("ms"));
      const ms = Number.isInteger(asked) && asked >= 0 && asked <= SLOW_MAX_MS ? asked : 1000;
      return Bun.sleep(ms).then(
        () =>
          new Response(`slow answer after ${ms} ms - version ${version}\n`, {
            headers: { "content-type": "text/plain; charset=utf-8" },
          }),
      );
    }
    if (pathname === "/events") return eventStream(request.signal);
    return new Response("404 page not found\n", { status: 404 });
  };
}

function pageHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>bun-server ${version}</title>
<link rel="stylesheet" href="/style.css">
</head>
<body>
<h1 id="version">version ${version}</h1>
<p><label>Notes <input id="notes" autocomplete="off"></label></p>
<div class="spacer"></div>
<p id="bottom">bottom of the page</p>
</body>
</html>
`;
}

function eventStream(signal: AbortSignal): Response {
  let timer: ReturnType<typeof setInterval> | undefined;
  const body = new ReadableStream<string>({
    start(controller) {
      let tick = 0;
      const send = () => controller.enqueue(`data: version ${version} tick ${tick++}\n\n`);
      send();
      timer = setInterval(send, EVENTS_EVERY_MS);
      signal.addEventListener("abort", () => {
        clearInterval(timer);
        controller.close();
      });
    },
    cancel() {
      clearInterval(timer);
    },
  });
  return new Response(body, {
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
  });
}
