import { Hono } from "hono";

const app = new Hono();

app.get("/", (c) => {
  return c.text("Hello Hono! corpus v1");
});

// Bun serves the default export on $PORT (default 3000).
export default app;
