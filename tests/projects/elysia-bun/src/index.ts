import { Elysia } from "elysia";

const app = new Elysia().get("/", () => "Hello Elysia corpus v1").listen(process.env.PORT ?? 3000);

console.log(`Elysia is running at ${app.server?.hostname}:${app.server?.port}`);
