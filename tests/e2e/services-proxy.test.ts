/** A service with `proxy` on gets its own public port, swapped behind as a single service's is. */
import { expect, test } from "bun:test";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, startHotreload } from "../helpers/hotreload-process.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const BUN_EXAMPLE = join(import.meta.dir, "..", "..", "examples", "bun-server");

test("each proxied service serves on its own port and swaps there", async () => {
  using dir = tempDir();
  cpSync(BUN_EXAMPLE, join(dir.path, "web"), { recursive: true });
  cpSync(BUN_EXAMPLE, join(dir.path, "admin"), { recursive: true });
  const [webPort, adminPort] = [freePort(), freePort()];
  dir.write(
    ".hotreload.yaml",
    [
      "ext: [.ts]",
      "services:",
      `  web: {root: web, exec: bun server.ts, proxy: {enabled: true, port: ${webPort}}}`,
      `  admin: {root: admin, exec: bun server.ts, proxy: {enabled: true, port: ${adminPort}}}`,
      "",
    ].join("\n"),
  );
  await using hr = startHotreload([], { cwd: dir.path });
  for (const service of ["web", "admin"])
    await hr.waitFor("process.started", (e) => e.service === service, 60_000);
  const get = async (port: number) => (await fetch(`http://127.0.0.1:${port}/`)).text();
  expect(await get(webPort)).toContain("version 1.0.0");
  expect(await get(adminPort)).toContain("version 1.0.0");
  const mark = hr.events.length;
  const handler = join(dir.path, "web", "handler.ts");
  writeFileSync(
    handler,
    readFileSync(handler, "utf8").replace(/version = "[^"]*"/, 'version = "2.0.0"'),
  );
  await hr.waitFor("reload.done", (e) => e.service === "web", 60_000, mark);
  expect(await get(webPort)).toContain("version 2.0.0");
  expect(await get(adminPort)).toContain("version 1.0.0");
  // Nothing happened to admin (its request log lines may still be arriving).
  expect(hr.events.slice(mark).filter((e) => e.service === "admin" && e.type !== "log")).toEqual(
    [],
  );
  hr.proc.kill("SIGINT");
  expect(await hr.exited).toBe(0);
}, 120_000);
