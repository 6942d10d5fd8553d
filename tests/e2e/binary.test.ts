/**
 * The compiled binary is the product: build it for this machine, copy it into an empty
 * temp directory (no node_modules anywhere near) and run a real watch session with it.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startHotreload } from "../helpers/hotreload-process.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const top = join(import.meta.dir, "..", "..");
const work = tempDir("hotreload-binary-");
const binary = join(work.path, "hotreload");

beforeAll(async () => {
  const build = Bun.spawn([process.execPath, join(top, "scripts", "build.ts"), "--host"], {
    cwd: top,
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stderr, code] = await Promise.all([new Response(build.stderr).text(), build.exited]);
  if (code !== 0) throw new Error(`build failed: ${stderr}`);
  copyFileSync(join(top, "dist", "hotreload-linux-x64"), binary);
}, 120_000);

describe.skipIf(process.platform !== "linux" || process.arch !== "x64")("compiled binary", () => {
  test("--version runs with nothing beside it and ignores a project's bunfig.toml", async () => {
    using project = tempDir();
    project.write("bunfig.toml", 'preload = ["./boom.ts"]\n');
    project.write("boom.ts", 'throw new Error("bunfig was read")\n');
    const proc = Bun.spawn([binary, "--version"], {
      cwd: project.path,
      stdout: "pipe",
      stderr: "pipe",
    });
    const [out, err, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    expect({ out: out.trim(), err, code }).toMatchObject({ err: "", code: 0 });
    expect(out).toMatch(/^hotreload \d+\.\d+\.\d+/);
  });

  test("a watch session: start, restart on a real change, clean quit; a project .env is not read", async () => {
    using project = tempDir();
    project.write(".env", "HOTRELOAD_LOG_LEVEL=debug\n");
    project.write("app.sh", 'echo "version 1"; exec sleep 300\n');
    await using hr = startHotreload(["--exec", "sh app.sh", "--ext", ".sh", "--no-notifications"], {
      cwd: project.path,
      command: [binary],
      env: { XDG_STATE_HOME: join(project.path, ".state") },
    });
    await hr.waitFor("log", (e) => e.line === "version 1");
    writeFileSync(join(project.path, "app.sh"), 'echo "version 2"; exec sleep 300\n');
    await hr.waitFor("log", (e) => e.line === "version 2");
    expect(hr.count("process.started")).toBe(2);
    hr.proc.kill("SIGINT");
    expect(await hr.exited).toBe(0);
    // Debug lines ("start → building") would appear if the binary had loaded .env.
    expect(hr.stderr.filter((line) => line.includes(" → "))).toEqual([]);
  });
});

process.on("exit", () => work[Symbol.dispose]());
