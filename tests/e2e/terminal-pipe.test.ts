/**
 * hotreload's output where there is no terminal (CI logs, files, pipes): not one escape
 * code of ours, no clearing, no spinners, while the app's own bytes pass through unchanged;
 * stdin goes to the app as it is (no shortcut keys); --quiet and --timestamps as documented.
 */
import { describe, expect, test } from "bun:test";
import { isAlive } from "../../src/run/proc-info.ts";
import { MAIN } from "../helpers/hotreload-process.ts";
import { collectStream, createLineCollector } from "../helpers/run-processes.ts";
import { type TerminalProject, terminalProject } from "../helpers/terminal-project.ts";

function startPiped(project: TerminalProject, args: string[]) {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...process.env, ...project.env }))
    if (value !== undefined) env[key] = value;
  const proc = Bun.spawn([process.execPath, MAIN, ...args], {
    cwd: project.root,
    env,
    stdin: "pipe",
    stdout: "pipe",
    stderr: "pipe",
  });
  const out = createLineCollector();
  const err = createLineCollector();
  const pumps = Promise.all([collectStream(proc.stdout, out), collectStream(proc.stderr, err)]);
  return {
    proc,
    out,
    err,
    async [Symbol.asyncDispose]() {
      if (proc.exitCode === null) proc.kill("SIGTERM");
      await proc.exited;
      await pumps;
    },
  };
}

const pidOf = (line: string) => Number(/pid=(\d+)/.exec(line)?.[1]);

describe("hotreload without a terminal", () => {
  test("no escape codes or clearing from us; the app's bytes and stdin pass through", async () => {
    using project = terminalProject();
    await using hr = startPiped(project, ["--clear"]);
    await hr.err.waitFor("✓ ready", 30_000);
    const ready = await hr.out.waitFor("app ready one", 30_000);
    // The app's own colour codes arrive exactly as it wrote them.
    expect(await hr.out.waitFor("app paints")).toBe("\x1b[31mapp paints this red\x1b[0m");

    // stdin is the app's: a line starting with `r` is text for it, not a rebuild.
    hr.proc.stdin.write("ping\n");
    hr.proc.stdin.flush();
    await hr.out.waitFor('app got: "ping\\n"');
    hr.proc.stdin.write("r\n");
    hr.proc.stdin.flush();
    await hr.out.waitFor('app got: "r\\n"');

    project.edit('"one"', '"two"');
    await hr.err.waitFor("✓ app.ts changed", 30_000);
    await hr.out.waitFor("app ready two", 30_000);
    project.edit('const version = "two";', 'const version = "two" +;');
    await hr.err.waitFor("build failed", 30_000);
    await hr.err.waitFor("error: Unexpected");
    expect(await project.get()).toBe("two");

    hr.proc.kill("SIGINT");
    expect(await hr.proc.exited).toBe(0);
    const ours = hr.err.lines.join("\n");
    expect(ours).not.toContain("\x1b");
    expect(hr.out.lines.filter((l) => l.startsWith("app ready"))).toHaveLength(2);
    expect(isAlive(pidOf(ready))).toBe(false);
  }, 60_000);

  test("--quiet: only errors and the app's own output", async () => {
    using project = terminalProject();
    await using hr = startPiped(project, ["--quiet"]);
    await hr.out.waitFor("app ready one", 30_000);
    project.edit('"one"', '"two"');
    await hr.out.waitFor("app ready two", 30_000);
    project.edit('const version = "two";', 'const version = "two" +;');
    await hr.err.waitFor("error: Unexpected", 30_000);
    hr.proc.kill("SIGINT");
    expect(await hr.proc.exited).toBe(0);
    expect(hr.err.lines.length).toBeGreaterThan(1);
    for (const line of hr.err.lines) expect(line).toMatch(/^(hotreload ✗ build failed|build │ )/);
  }, 60_000);

  test("--timestamps: our lines start with the time, the app's lines do not", async () => {
    using project = terminalProject();
    await using hr = startPiped(project, ["--timestamps"]);
    await hr.err.waitFor("✓ ready", 30_000);
    await hr.out.waitFor("app ready one", 30_000);
    hr.proc.kill("SIGINT");
    expect(await hr.proc.exited).toBe(0);
    expect(hr.err.lines.length).toBeGreaterThan(1);
    for (const line of hr.err.lines) expect(line).toMatch(/^\d\d:\d\d:\d\d\.\d{3} hotreload /);
    for (const line of hr.out.lines) expect(line).not.toMatch(/^\d\d:\d\d/);
  }, 60_000);
});
