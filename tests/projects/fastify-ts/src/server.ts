import Fastify from "fastify";
import { rootRoutes } from "./routes/root";

const server = Fastify({ logger: false });
server.register(rootRoutes);

const port = Number(process.env.PORT ?? 3000);
server.listen({ port, host: "127.0.0.1" }).then((address) => {
  console.log(`listening on ${address}`);
});
