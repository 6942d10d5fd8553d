/**
 * A demo server for hotreload on Bun.
 *
 *   PORT  port to listen on (default 8081; 0 picks a free one, printed when ready)
 *   HOST  interface to bind (default 127.0.0.1)
 */
import { createHandler, version } from "./handler.ts";

const SHUTDOWN_TIMEOUT_MS = 5000;
/** /crash exits once its response has gone out, or after this long at the latest. */
const CRASH_GRACE_MS = 1000;

const startedAt = Date.now();
const hostname = process.env.HOST || "127.0.0.1";
const port = Number(process.env.PORT || "8081");

function crash(): void {
  console.error("crash requested: exiting with status 1");
  // Stop accepting and let the in-flight /crash response finish, then exit.
  setTimeout(() => process.exit(1), CRASH_GRACE_MS).unref();
  setTimeout(() => {
    server.stop().then(() => process.exit(1));
  }, 0);
}

const handle = createHandler({ startedAt, crash });

const server = Bun.serve({
  hostname,
  port,
  // Streams (/events) and slow answers (/slow) outlive Bun's default 10 s idle timeout.
  idleTimeout: 0,
  async fetch(request, server) {
    const begin = performance.now();
    const { pathname } = new URL(request.url);
    // /ws: a websocket echo that greets with the version (a socket across a swap).
    if (pathname === "/ws" && server.upgrade(request)) return undefined;
    const response = await handle(request);
    const ms = (performance.now() - begin).toFixed(3);
    console.log(`${request.method} ${pathname} ${response.status} ${ms}ms`);
    return response;
  },
  websocket: {
    open(ws) {
      ws.send(`hello from version ${version}`);
    },
    message(ws, message) {
      ws.send(message);
    },
  },
});

let stopping = false;
function shutdown(signal: NodeJS.Signals): void {
  if (stopping) return;
  stopping = true;
  console.log(`shutting down (${signal})`);
  setTimeout(() => {
    console.error(`shutdown timed out after ${SHUTDOWN_TIMEOUT_MS} ms; exiting`);
    process.exit(1);
  }, SHUTDOWN_TIMEOUT_MS).unref();
  server.stop().then(() => {
    console.log("stopped");
    process.exit(0);
  });
}

process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);

// Announce readiness only once the signal handlers are in place, so a supervisor that
// stops the server right after this line always gets the graceful path.
const shownHost = server.hostname?.includes(":") ? `[${server.hostname}]` : server.hostname;
console.log(`listening on http://${shownHost}:${server.port}`);
