/** The demo edits this line to show a reload: save, and / answers the new version. */
export const version = "1.0.0";

export interface HandlerOptions {
  /** When the server started, in epoch milliseconds. */
  startedAt: number;
  /** Called once the /crash response is on its way; it ends the process with status 1. */
  crash: () => void;
}

/** Serves /, /health and /crash; everything else is a 404. */
export function createHandler(options: HandlerOptions): (request: Request) => Response {
  return (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === "/") {
      return new Response(`Server running - version ${version}\n`, {
        headers: { "content-type": "text/plain; charset=utf-8" },
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
    return new Response("404 page not found\n", { status: 404 });
  };
}
