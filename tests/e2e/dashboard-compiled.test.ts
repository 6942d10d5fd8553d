import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createLineCollector } from "../helpers/run-processes.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const SRC = join(import.meta.dir, "../../src");

test("a binary built with bun build --compile serves the page with no files beside it", async () => {
  using dir = tempDir("hotreload-dash-compiled-");
  const entry = dir.write(
    "entry.ts",
    `import { startDashboard } from ${JSON.stringify(`${SRC}/dashboard/server.ts`)};
import { createEventBus } from ${JSON.stringify(`${SRC}/events/bus.ts`)};
import { silentLogger } from ${JSON.stringify(`${SRC}/log.ts`)};
const r = await startDashboard({ host: "127.0.0.1", port: 0, bus: createEventBus(), config: {}, onCommand() {}, log: silentLogger, token: "t0k" });
console.log(r.ok ? "URL " + r.value.url : "ERROR " + r.error.message);
`,
  );
  const binary = join(dir.path, "bin", "dashboard");
  const build = Bun.spawnSync(["bun", "build", "--compile", entry, "--outfile", binary], {
    stderr: "pipe",
    stdout: "pipe",
  });
  expect({ code: build.exitCode, err: build.stderr.toString() }).toEqual({ code: 0, err: "" });
  // Run it from an empty directory, with the sources out of its reach by path.
  const proc = Bun.spawn([binary], { cwd: join(dir.path, "bin"), stdout: "pipe", stderr: "pipe" });
  try {
    const out = createLineCollector();
    (async () => {
      const decoder = new TextDecoder();
      let rest = "";
      for await (const chunk of proc.stdout) {
        rest += decoder.decode(chunk);
        const lines = rest.split("\n");
        rest = lines.pop() ?? "";
        for (const line of lines) out.onLine(line);
      }
    })();
    const line = await out.waitFor(/^(URL|ERROR) /, 20_000);
    expect(line).toStartWith("URL ");
    const url = new URL(line.slice(4));
    for (const [path, file] of [
      ["/", "index.html"],
      ["/app.js", "app.js"],
      ["/ansi.js", "ansi.js"],
      ["/theme.css", "theme.css"],
      ["/favicon.svg", "favicon.svg"],
    ] as const) {
      const res = await fetch(new URL(path, url));
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      expect(await res.text()).toBe(readFileSync(`${SRC}/dashboard/ui/${file}`, "utf8"));
    }
  } finally {
    proc.kill("SIGKILL");
    await proc.exited;
  }
}, 120_000);
