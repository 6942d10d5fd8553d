/**
 * The compiled binary is the product: built once per source state (tests/helpers/
 * compiled-binary.ts), copied into an empty temp directory with no node_modules anywhere
 * above it, and driven like a user would: watch, build, swap, health, dashboard, Ctrl-C.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { binaryIn } from "../helpers/compiled-binary.ts";
import { freePort, startHotreload } from "../helpers/hotreload-process.ts";
import { runToEnd, waitAllDead } from "../helpers/run-processes.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const top = join(import.meta.dir, "..", "..");
const work = tempDir("hotreload-binary-");
let binary = "";

function nodeModulesAbove(dir: string): string[] {
  const found: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, "node_modules"))) found.push(join(d, "node_modules"));
    if (dirname(d) === d) return found;
  }
}

/** `src="/app.js"`, `href="/theme.css"` and `from "./ansi.js"` references. */
function referencedAssets(text: string): string[] {
  const pattern =
    /(?:(?:src|href)=|from\s*|import\s*\(?\s*)["']\.?\/([\w.-]+\.(?:js|css|svg))["']/g;
  return [...text.matchAll(pattern)].map((m) => m[1] as string);
}

beforeAll(async () => {
  binary = await binaryIn(work.path);
}, 180_000);
afterAll(() => work[Symbol.dispose]());

const linuxX64 = process.platform === "linux" && process.arch === "x64";
// Linux x64 here and in CI, macOS in CI's macOS job (the tests drive POSIX shell servers).
const posixHost = linuxX64 || process.platform === "darwin";

describe.skipIf(!posixHost)("compiled binary", () => {
  test("runs from a directory with no node_modules near it", () => {
    expect(nodeModulesAbove(work.path)).toEqual([]);
    expect(binary.startsWith(work.path)).toBe(true);
  });

  test("--version runs with nothing beside it and ignores a project's bunfig.toml", async () => {
    using project = tempDir();
    project.write("bunfig.toml", 'preload = ["./boom.ts"]\n');
    project.write("boom.ts", 'throw new Error("bunfig was read")\n');
    const { stdout, stderr, code } = await runToEnd([binary, "--version"], { cwd: project.path });
    expect({ out: stdout.trim(), err: stderr, code }).toEqual({
      out: `hotreload ${JSON.parse(readFileSync(join(top, "package.json"), "utf8")).version}`,
      err: "",
      code: 0,
    });
  });

  test("watch: restart on a real change, a project .env is not read, Ctrl-C leaves nothing", async () => {
    using project = tempDir();
    project.write(".env", "HOTRELOAD_LOG_LEVEL=debug\n");
    // A grandchild in the background: Ctrl-C must take the whole group down.
    const app = (n: number) => `sleep 300 & echo "bg $!"; echo "version ${n}"; exec sleep 300\n`;
    project.write("app.sh", app(1));
    await using hr = startHotreload(["--exec", "sh app.sh", "--ext", ".sh", "--no-notifications"], {
      cwd: project.path,
      command: [binary],
      env: { XDG_STATE_HOME: join(project.path, ".state") },
    });
    await hr.waitFor("log", (e) => e.line === "version 1");
    writeFileSync(join(project.path, "app.sh"), app(2));
    await hr.waitFor("log", (e) => e.line === "version 2");
    expect(hr.count("process.started")).toBe(2);
    const pids = [
      ...hr.events.flatMap((e) => (e.type === "process.started" ? [e.pid] : [])),
      ...hr.events.flatMap((e) =>
        e.type === "log" && e.line.startsWith("bg ") ? [Number(e.line.slice(3))] : [],
      ),
    ];
    expect(pids.length).toBe(4);
    hr.proc.kill("SIGINT");
    expect(await hr.exited).toBe(0);
    await waitAllDead(pids, 5000);
    // Debug lines ("start → building") would appear if the binary had loaded .env.
    expect(hr.stderr.filter((line) => line.includes(" → "))).toEqual([]);
  });

  test.skipIf(!Bun.which("go"))(
    "Go server: build, health, swap on an edit, dashboard with embedded assets, Ctrl-C",
    async () => {
      using project = tempDir();
      using state = tempDir();
      for (const file of ["go.mod", "main.go", "handler.go"])
        copyFileSync(join(top, "examples", "go-server", file), join(project.path, file));
      const [port, dashPort] = [freePort(), freePort()];
      const app = `http://127.0.0.1:${port}`;
      await using hr = startHotreload(
        [
          ...["--build", "go build -o ./bin/server .", "--exec", "./bin/server"],
          ...["--ext", ".go,.mod", "--exclude", "bin/**", "--health-url", `${app}/health`],
          "--no-notifications",
          ...["--dashboard", "--dashboard-port", String(dashPort)],
        ],
        {
          cwd: project.path,
          command: [binary],
          env: { PORT: String(port), XDG_STATE_HOME: state.path },
        },
      );
      const first = await hr.waitFor("health.ok", undefined, 90_000);
      expect(await (await fetch(`${app}/`)).text()).toBe("Server running - version 1.0.0\n");

      const handler = join(project.path, "handler.go");
      const source = readFileSync(handler, "utf8");
      expect(source).toContain('const version = "1.0.0"');
      const seen = hr.events.length;
      writeFileSync(handler, source.replace('"1.0.0"', '"2.0.0"'));
      await hr.waitFor("reload.done", undefined, 90_000, seen);
      const second = await hr.waitFor("health.ok", (e) => e.pid !== first.pid, 30_000, seen);
      expect(await (await fetch(`${app}/`)).text()).toBe("Server running - version 2.0.0\n");

      const dash = `http://127.0.0.1:${dashPort}`;
      const page = await fetch(`${dash}/`);
      expect(page.status).toBe(200);
      const html = await page.text();
      // Every asset the page references, and every module those scripts import.
      const assets = new Set(referencedAssets(html));
      expect([...assets]).toContain("app.js");
      for (const asset of assets) {
        const res = await fetch(`${dash}/${asset}`);
        expect({ asset, status: res.status }).toEqual({ asset, status: 200 });
        const text = await res.text();
        expect(text).toBe(readFileSync(join(top, "src", "dashboard", "ui", asset), "utf8"));
        for (const more of referencedAssets(text)) assets.add(more);
      }
      expect(assets.size).toBeGreaterThan(4);

      hr.proc.kill("SIGINT");
      expect(await hr.exited).toBe(0);
      await waitAllDead([first.pid, second.pid], 5000);
      // The port is free again: nothing of the server is left.
      const probe = Bun.serve({ hostname: "127.0.0.1", port, fetch: () => new Response("") });
      probe.stop(true);
    },
    180_000,
  );
});
