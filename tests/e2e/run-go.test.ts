/**
 * The whole product against the Go example: build, swap, failed build keeps serving,
 * touch and identical rewrites build nothing, crash backoff, Ctrl-C leaves nothing behind.
 */
import { describe, expect, test } from "bun:test";
import { cpSync, readFileSync, renameSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isAlive } from "../../src/run/proc-info.ts";
import { freePort, startHotreload } from "../helpers/hotreload-process.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const EXAMPLE = join(import.meta.dir, "..", "..", "examples", "go-server");
const hasGo = Bun.which("go") !== null;

async function get(port: number, path = "/"): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return response.text();
}

/** Edits a file and refuses an edit that would leave it unchanged. */
function edit(file: string, from: string | RegExp, to: string, how: "in-place" | "rename") {
  const before = readFileSync(file, "utf8");
  const after = before.replace(from, to);
  if (after === before) throw new Error(`edit of ${file} changed nothing`);
  if (how === "in-place") writeFileSync(file, after);
  else {
    writeFileSync(`${file}.tmp~`, after);
    renameSync(`${file}.tmp~`, file);
  }
}

describe.skipIf(!hasGo)("hotreload on the Go example", () => {
  test("build, swap, keep serving through a failed build, skip no-op saves, back off on crash, quit cleanly", async () => {
    using dir = tempDir();
    cpSync(EXAMPLE, dir.path, { recursive: true });
    const port = freePort();
    writeFileSync(
      join(dir.path, ".hotreload.yaml"),
      [
        'build: go build -o "$HOTRELOAD_CACHE_DIR/server" .',
        "exec: '\"$HOTRELOAD_CACHE_DIR/server\"'",
        "ext: [.go]",
        `env: { PORT: "${port}" }`,
        `health_check: { enabled: true, url: "http://127.0.0.1:${port}/health", interval: 100ms }`,
        "notifications: { enabled: false }",
      ].join("\n"),
    );
    const env = {
      XDG_CACHE_HOME: join(dir.path, ".."),
      XDG_STATE_HOME: join(dir.path, "..", "state"),
    };
    await using hr = startHotreload([], { cwd: dir.path, env });
    const handler = join(dir.path, "handler.go");

    await hr.waitFor("reload.done", undefined, 60_000);
    expect(await get(port)).toContain("version 1.0.0");
    const firstPid = (await hr.waitFor("process.started")).pid;

    edit(handler, "1.0.0", "2.0.0", "in-place");
    await hr.waitFor("reload.done", (e) => e.seq === 2, 30_000);
    expect(await get(port)).toContain("version 2.0.0");
    expect(isAlive(firstPid)).toBe(false);

    edit(handler, "2.0.0", "3.0.0", "rename");
    await hr.waitFor("reload.done", (e) => e.seq === 3, 30_000);
    expect(await get(port)).toContain("version 3.0.0");

    // A touch and an identical rewrite must not build; the next real change is the next build.
    const builds = hr.count("build.started");
    utimesSync(handler, new Date(), new Date(Date.now() + 5000));
    writeFileSync(handler, readFileSync(handler));
    edit(join(dir.path, "main.go"), /^/, "// a real change\n", "in-place");
    const next = await hr.waitFor("build.started", (e) => e.seq === 4, 30_000);
    expect(next.reason).toContain("main.go");
    expect(next.reason).not.toContain("handler.go");
    await hr.waitFor("reload.done", (e) => e.seq === 4, 30_000);
    expect(hr.count("build.started")).toBe(builds + 1);

    // A broken build keeps the old server serving.
    edit(handler, '"3.0.0"', '"3.0.0" +', "in-place");
    const failed = await hr.waitFor("build.finished", (e) => !e.ok, 30_000);
    expect(failed.tail.join("\n")).toContain("handler.go");
    expect(await get(port)).toContain("version 3.0.0");

    // A crash backs off 1 s, then the same binary comes back.
    const crashFrom = hr.events.length;
    await get(port, "/crash").catch(() => "");
    const backoff = await hr.waitFor("crash.backoff", undefined, 10_000, crashFrom);
    expect(backoff).toMatchObject({ attempt: 1, delayMs: 1000, exitCode: 1 });
    const restarted = await hr.waitFor("health.ok", undefined, 15_000, crashFrom);
    expect(await get(port)).toContain("version 3.0.0");

    // Ctrl-C: the engine stops the server group and exits 0.
    hr.proc.kill("SIGINT");
    expect(await hr.exited).toBe(0);
    expect(isAlive(restarted.pid)).toBe(false);
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  }, 180_000);
});
