/**
 * health_check.expect_status end to end: an API with no `/` route is ready when 404 is
 * expected; otherwise the reload's summary still comes, saying it is unhealthy.
 */
import { expect, test } from "bun:test";
import { freePort, startHotreload } from "../helpers/hotreload-process.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const API = `Bun.serve({ port: Number(process.env.PORT), hostname: "127.0.0.1", fetch: (req) =>
  new URL(req.url).pathname === "/api" ? new Response("api") : new Response("no route", { status: 404 }) });
console.log("listening");
`;

function project(expectStatus: string | null) {
  const dir = tempDir();
  const port = freePort();
  dir.write("api.ts", API);
  dir.write(
    ".hotreload.yaml",
    [
      "exec: bun api.ts",
      `env: { PORT: "${port}" }`,
      "health_check:",
      `  url: http://127.0.0.1:${port}/`,
      "  enabled: true",
      "  interval: 50ms",
      "  max_retries: 3",
      ...(expectStatus ? [`  expect_status: ${expectStatus}`] : []),
      "",
    ].join("\n"),
  );
  return dir;
}

test("expect_status: [200-299, 404] makes a 404 on / ready", async () => {
  using dir = project("[200-299, 404]");
  await using hr = startHotreload([], { cwd: dir.path });
  const ok = await hr.waitFor("health.ok");
  expect(ok.status).toBe(404);
  dir.write("api.ts", `${API}// edited\n`);
  const done = await hr.waitFor("reload.done", (e) => e.files === 1);
  expect(done.unhealthy).toBeUndefined();
  expect(hr.count("health.failed")).toBe(0);
}, 60_000);

test("by default (2xx) a 404 fails the check, and the reload's summary says so", async () => {
  using dir = project(null);
  await using hr = startHotreload([], { cwd: dir.path });
  const first = await hr.waitFor("health.failed");
  expect(first.error).toContain("answered 404 Not Found; only 2xx counts as ready");
  dir.write("api.ts", `${API}// edited\n`);
  const done = await hr.waitFor("reload.done", (e) => e.files === 1);
  expect(done.unhealthy).toContain("answered 404 Not Found; only 2xx counts as ready");
  expect(hr.count("health.failed")).toBe(2);
}, 60_000);
