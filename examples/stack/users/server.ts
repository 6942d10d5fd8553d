// The users service of the stack example: Bun, no dependencies. GET /users lists them
// with the shared greeting; GET /health answers once it is up.
import { readFileSync } from "node:fs";
import { join } from "node:path";

const { greeting } = JSON.parse(
  readFileSync(join(import.meta.dir, "..", "shared", "greeting.json"), "utf8"),
) as { greeting: string };
const users = ["ada", "grace", "linus"];

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: Number(process.env.USERS_PORT ?? 4001),
  fetch(request) {
    const { pathname } = new URL(request.url);
    if (pathname === "/health") return new Response("ok\n");
    if (pathname === "/users") return Response.json({ greeting, users });
    return new Response("not found\n", { status: 404 });
  },
});
console.log(`users listening on http://127.0.0.1:${server.port} (pid ${process.pid})`);
