/** Bun detection on real temp trees: markers, --hot/--watch scripts, a single top-level file. */
import { expect, test } from "bun:test";
import { join } from "node:path";
import { detectProject } from "../../src/config/detect/index.ts";
import { tempDir } from "../helpers/temp-dir.ts";

test("Hono/Elysia layout: bun.lock and `bun run --hot src/index.ts` → bun src/index.ts", () => {
  using dir = tempDir();
  dir.write(
    "package.json",
    JSON.stringify({ name: "hono-app", scripts: { dev: "bun run --hot src/index.ts" } }),
  );
  dir.write("bun.lock", "{}");
  dir.write("src/index.ts", "");
  const d = detectProject(dir.path)!;
  expect(d.kind).toBe("bun");
  expect(d.exec).toBe("bun src/index.ts");
  expect(d.build).toBeNull();
  dir.write(
    "package.json",
    JSON.stringify({ name: "e", scripts: { dev: "bun --watch src/index.ts" } }),
  );
  expect(detectProject(dir.path)?.exec).toBe("bun src/index.ts");
});

test("a single top-level .ts file beside package.json is the entry (bun init's hello.ts)", () => {
  using dir = tempDir();
  dir.write(
    "package.json",
    JSON.stringify({ name: "h", devDependencies: { "@types/bun": "latest" } }),
  );
  dir.write("hello.ts", "");
  dir.write("vite.config.ts", "");
  expect(detectProject(dir.path)?.exec).toBe("bun hello.ts");
});

test("a workspace member is Bun when the workspace's lockfile is Bun's", () => {
  using dir = tempDir();
  dir.write("package.json", JSON.stringify({ name: "mono", workspaces: ["apps/*"] }));
  dir.write("bun.lock", "{}");
  dir.write("apps/web/package.json", JSON.stringify({ name: "web" }));
  dir.write("apps/web/index.ts", "");
  expect(detectProject(join(dir.path, "apps/web"))?.exec).toBe("bun index.ts");
});
