/**
 * A free loopback port for a new instance: the kernel picks one for a listener that is
 * closed at once. Another program could take it before the instance binds it; the
 * instance then fails to start and is reported like any failed start.
 */
import { createServer } from "node:net";

export function pickFreePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("no port assigned"))));
    });
  });
}
