/** Node detection on real temp trees: scripts' real entry, compiled TypeScript, workspaces. */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { detectProject, staleOutputWarnings } from "../../src/config/detect/index.ts";
import { parseScript } from "../../src/config/detect/package-scripts.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const pkg = (value: object) => JSON.stringify({ name: "app", ...value });

describe("Node entry points, as nodemon finds them", () => {
  test("express-generator: the start script's node ./bin/www before app.js", () => {
    using dir = tempDir();
    dir.write("package.json", pkg({ scripts: { start: "node ./bin/www" } }));
    dir.write("bin/www", "#!/usr/bin/env node\n");
    dir.write("app.js", "");
    const d = detectProject(dir.path)!;
    expect(d.kind).toBe("node");
    expect(d.exec).toBe("node ./bin/www");
    // bin/www has no extension for `ext` to match: a rule keeps the entry itself watched.
    expect(d.rules[0]).toEqual({ match: ["bin/www"], action: "restart", run: null });
    expect(d.build).toBeNull();
  });

  test("dev scripts lose their own watcher: nodemon, node --watch, tsx watch", () => {
    using dir = tempDir();
    dir.write("package.json", pkg({ scripts: { dev: "nodemon --ext js,json server.js" } }));
    expect(detectProject(dir.path)?.exec).toBe("node server.js");
    dir.write("package.json", pkg({ scripts: { dev: "node --watch server.js --port 1" } }));
    expect(detectProject(dir.path)?.exec).toBe("node server.js --port 1");
    dir.write("node_modules/.bin/tsx", "");
    dir.write("package.json", pkg({ scripts: { dev: "tsx watch src/index.ts" } }));
    expect(detectProject(dir.path)?.exec).toBe("./node_modules/.bin/tsx src/index.ts");
  });

  test("then main, then index/server/app files", () => {
    using dir = tempDir();
    dir.write("package.json", pkg({ main: "lib/start.js" }));
    dir.write("lib/start.js", "");
    dir.write("index.js", "");
    expect(detectProject(dir.path)?.exec).toBe("node lib/start.js");
    dir.write("package.json", pkg({}));
    expect(detectProject(dir.path)?.exec).toBe("node index.js");
  });

  test("nothing to run: found, with no exec and a note saying so", () => {
    using dir = tempDir();
    dir.write("package.json", pkg({ scripts: { test: "bun test" } }));
    const d = detectProject(dir.path)!;
    expect(d.exec).toBeNull();
    expect(d.warnings[0]).toContain("set `exec`");
  });

  test("a framework's own dev command is the server, through the project's binary", () => {
    using dir = tempDir();
    dir.write("package.json", pkg({ scripts: { dev: "next dev", build: "next build" } }));
    dir.write("node_modules/.bin/next", "");
    expect(detectProject(dir.path)?.exec).toBe("./node_modules/.bin/next dev");
  });
});

describe("never stale code behind a ✓: compiled TypeScript", () => {
  test("start into tsconfig's outDir with a build script: build first, run the output, ignore it", () => {
    using dir = tempDir();
    dir.write(
      "package.json",
      pkg({ main: "dist/server.js", scripts: { build: "tsc", start: "node dist/server.js" } }),
    );
    dir.write(
      "tsconfig.json",
      '{ // comments and trailing commas, as tsc allows\n "compilerOptions": { "outDir": "./dist", },\n}',
    );
    dir.write("src/server.ts", "");
    const d = detectProject(dir.path)!;
    expect(d.build).toBe("npm run build --silent");
    expect(d.exec).toBe("node dist/server.js");
    expect(d.outputs).toEqual([join(dir.path, "dist")]);
    expect(d.warnings).toEqual([]);
  });

  test("a start script that compiles first is split into build and server", () => {
    using dir = tempDir();
    dir.write("package.json", pkg({ scripts: { start: "tsc -p . && node dist/index.js" } }));
    dir.write("tsconfig.json", '{"compilerOptions":{"outDir":"dist"}}');
    dir.write("node_modules/.bin/tsc", "");
    const d = detectProject(dir.path)!;
    expect(d.build).toBe("./node_modules/.bin/tsc -p .");
    expect(d.exec).toBe("node dist/index.js");
    expect(d.outputs).toEqual([join(dir.path, "dist")]);
    expect(parseScript("npm run build && node dist/x.js")?.build).toEqual(["npm run build"]);
  });

  test("src/index.ts with an outDir and no scripts: tsc -p, then the compiled file", () => {
    using dir = tempDir();
    dir.write("package.json", pkg({}));
    dir.write("tsconfig.json", '{"compilerOptions":{"outDir":"build","rootDir":"src"}}');
    dir.write("src/index.ts", "");
    const d = detectProject(dir.path)!;
    expect(d.build).toBe("tsc -p tsconfig.json");
    expect(d.exec).toBe("node build/index.js");
  });

  test("an output without any build is said plainly, for detection and for --exec", () => {
    using dir = tempDir();
    dir.write("package.json", pkg({ scripts: { start: "node dist/index.js" } }));
    dir.write("tsconfig.json", '{"compilerOptions":{"outDir":"dist"}}');
    dir.write("package.json", pkg({ scripts: { start: "node dist/index.js" } }));
    // tsconfig gives `tsc -p`: only a project without one has no way to build.
    expect(detectProject(dir.path)?.build).toBe("tsc -p tsconfig.json");
    expect(staleOutputWarnings(dir.path, { build: null, exec: "node dist/index.js" })[0]).toContain(
      "there is no `build`",
    );
    expect(staleOutputWarnings(dir.path, { build: "tsc", exec: "node dist/index.js" })).toEqual([]);
    expect(staleOutputWarnings(dir.path, { build: null, exec: "node src/index.js" })).toEqual([]);
  });
});

describe("workspace packages the project depends on are watched", () => {
  test("npm/Bun workspaces (plain range or workspace:*) and file: deps, only outside the root", () => {
    using dir = tempDir();
    dir.write("package.json", JSON.stringify({ name: "mono", workspaces: ["packages/*"] }));
    dir.write("packages/shared/package.json", JSON.stringify({ name: "@mono/shared" }));
    dir.write("packages/unused/package.json", JSON.stringify({ name: "@mono/unused" }));
    dir.write("vendor-lib/package.json", JSON.stringify({ name: "vlib" }));
    dir.write(
      "packages/api/package.json",
      pkg({
        main: "index.js",
        dependencies: {
          "@mono/shared": "workspace:*",
          vlib: "file:../../vendor-lib",
          express: "^4",
        },
      }),
    );
    dir.write("packages/api/index.js", "");
    const d = detectProject(join(dir.path, "packages/api"))!;
    expect(d.watch).toEqual([join(dir.path, "packages/shared"), join(dir.path, "vendor-lib")]);
    expect(detectProject(dir.path)?.watch ?? []).toEqual([]);
  });
});
