/**
 * The whole product against an example server, as a user lives it: start and serve v1,
 * edit (in place and by rename) and serve the new version, touch and identical rewrites
 * build nothing, a burst of 200 new files is one build, a broken build keeps the old
 * server serving, /crash backs off 1 s and comes back, Ctrl-C leaves nothing running.
 * run-go.test.ts and run-bun.test.ts run it with their example's files and commands.
 */
import { expect } from "bun:test";
import { cpSync, mkdirSync, readFileSync, renameSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isAlive } from "../../src/run/proc-info.ts";
import { freePort, startHotreload } from "./hotreload-process.ts";
import { tempDir } from "./temp-dir.ts";

export interface ExampleSpec {
  /** Folder under examples/. */
  example: string;
  build: string;
  exec: string;
  ext: string;
  /** The file holding the version string "1.0.0", and the other source file edited. */
  handler: string;
  main: string;
  /** A line that breaks the build when appended to the handler. */
  breakage: string;
  /** Content of burst file number i (must keep the build green). */
  burstFile(i: number): { path: string; text: string };
}

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

export async function runExampleFlow(spec: ExampleSpec): Promise<void> {
  using temp = tempDir();
  // The project is a folder of the temp dir; cache and state sit beside it, outside the
  // watched tree, and go away with it.
  const dir = { path: join(temp.path, "project") };
  cpSync(join(import.meta.dir, "..", "..", "examples", spec.example), dir.path, {
    recursive: true,
  });
  const port = freePort();
  writeFileSync(
    join(dir.path, ".hotreload.yaml"),
    [
      `build: ${JSON.stringify(spec.build)}`,
      `exec: ${JSON.stringify(spec.exec)}`,
      `ext: [${spec.ext}]`,
      `env: { PORT: "${port}" }`,
      `health_check: { enabled: true, url: "http://127.0.0.1:${port}/health", interval: 100ms }`,
      "notifications: { enabled: false }",
      "dashboard: { enabled: false }",
    ].join("\n"),
  );
  const env = {
    XDG_CACHE_HOME: join(temp.path, "cache"),
    XDG_STATE_HOME: join(temp.path, "state"),
  };
  await using hr = startHotreload([], { cwd: dir.path, env });
  const handler = join(dir.path, spec.handler);

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
  edit(join(dir.path, spec.main), /^/, "// a real change\n", "in-place");
  const next = await hr.waitFor("build.started", (e) => e.seq === 4, 30_000);
  expect(next.reason).toContain(spec.main);
  expect(next.reason).not.toContain(spec.handler);
  await hr.waitFor("reload.done", (e) => e.seq === 4, 30_000);
  expect(hr.count("build.started")).toBe(builds + 1);

  // 200 new files written in a burst: one build, and the next real change is the one after.
  for (let i = 0; i < 200; i++) {
    const file = spec.burstFile(i);
    mkdirSync(join(dir.path, file.path, ".."), { recursive: true });
    writeFileSync(join(dir.path, file.path), file.text);
  }
  const burst = await hr.waitFor("build.started", (e) => e.seq === 5, 30_000);
  expect(burst.reason).toContain("and 199 more");
  await hr.waitFor("reload.done", (e) => e.seq === 5, 60_000);
  edit(handler, "3.0.0", "4.0.0", "in-place");
  const after = await hr.waitFor("build.started", (e) => e.seq === 6, 30_000);
  expect(after.reason).toContain(spec.handler);
  await hr.waitFor("reload.done", (e) => e.seq === 6, 30_000);
  expect(await get(port)).toContain("version 4.0.0");

  // A broken build keeps the old server serving, and shows the compiler's complaint.
  writeFileSync(handler, `${readFileSync(handler, "utf8")}\n${spec.breakage}\n`);
  const failed = await hr.waitFor("build.finished", (e) => !e.ok, 30_000);
  expect(failed.tail.join("\n")).toContain(spec.handler.split("/").at(-1) as string);
  expect(await get(port)).toContain("version 4.0.0");

  // A crash backs off 1 s, then the same build comes back.
  const crashFrom = hr.events.length;
  await get(port, "/crash").catch(() => "");
  const backoff = await hr.waitFor("crash.backoff", undefined, 10_000, crashFrom);
  expect(backoff).toMatchObject({ attempt: 1, delayMs: 1000, exitCode: 1 });
  const restarted = await hr.waitFor("health.ok", undefined, 15_000, crashFrom);
  expect(await get(port)).toContain("version 4.0.0");

  // Ctrl-C: the engine stops the server group and exits 0.
  hr.proc.kill("SIGINT");
  expect(await hr.exited).toBe(0);
  expect(isAlive(restarted.pid)).toBe(false);
  await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
}
