import type { FastifyInstance } from "fastify";

export const version: string = "corpus v1";

export async function rootRoutes(server: FastifyInstance) {
  server.get("/", async () => ({ hello: "fastify", version }));
}
