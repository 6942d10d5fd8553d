import { afterEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { type StartBuildOptions, startBuild } from "../../src/build/builder.ts";
import { silentLogger } from "../../src/log.ts";
import { groupMembers, isAlive } from "../../src/run/proc-info.ts";
import { createLineCollector, killGroupsQuietly } from "../helpers/run-processes.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const groups: number[] = [];
afterEach(() => {
  killGroupsQuietly(groups);
  groups.length = 0;
});

function build(command: string, extra: Partial<StartBuildOptions> = {}) {
  const out = createLineCollector();
  const fds: string[] = [];
  const handle = startBuild({
    command,
    cwd: import.meta.dir,
    env: {},
    onLine(line, fd) {
      fds.push(fd);
      out.onLine(line);
    },
    log: silentLogger,
    ...extra,
  });
  groups.push(handle.pid);
  return { handle, out, fds };
}

describe("startBuild", () => {
  test("a passing build: ok, exit 0, both streams line by line, duration", async () => {
    const { handle, out, fds } = build("echo out1; echo err1 >&2; echo out2");
    const result = await handle.done;
    expect(result).toMatchObject({ ok: true, exitCode: 0, signal: null, cancelled: false });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(out.lines.filter((l) => l.startsWith("out"))).toEqual(["out1", "out2"]);
    expect(out.lines).toContain("err1");
    expect(fds[out.lines.indexOf("err1")]).toBe("stderr");
    expect(result.tail.length).toBe(3);
  });

  test("a failing build keeps the last 40 lines for the report", async () => {
    const { handle } = build("i=1; while [ $i -le 50 ]; do echo line $i; i=$((i+1)); done; exit 2");
    const result = await handle.done;
    expect(result).toMatchObject({ ok: false, exitCode: 2, cancelled: false });
    expect(result.tail.length).toBe(40);
    expect(result.tail[0]).toBe("line 11");
    expect(result.tail[39]).toBe("line 50");
  });

  test("env reaches the build; the platform shell runs it", async () => {
    const { handle, out } = build('echo "v=$HR_BUILD_VAR"', { env: { HR_BUILD_VAR: "42" } });
    await handle.done;
    expect(out.lines).toEqual(["v=42"]);
  });

  test("CRLF, a final line without newline, and a very long line", async () => {
    const { handle, out } = build(
      // One process writes the long line, so a loaded machine cannot pause a pipeline in
      // the middle of it (a pause over 50 ms hands over the text so far as a line).
      `printf 'a\\r\\nb\\r\\n'; ${JSON.stringify(process.execPath)} -e 'process.stdout.write("x".repeat(100000) + "\\nlast")'`,
    );
    await handle.done;
    expect(out.lines.slice(0, 2)).toEqual(["a", "b"]);
    expect(out.lines[2]!.length).toBeLessThan(66_000);
    expect(out.lines[2]).toContain("more characters dropped");
    expect(out.lines[3]).toBe("last");
  });

  test("lines stream while the build runs (no buffering until exit)", async () => {
    using dir = tempDir();
    const go = join(dir.path, "go");
    const { handle, out } = build(
      `echo first; while [ ! -e '${go}' ]; do sleep 0.01; done; echo second`,
    );
    await out.waitFor(/^first$/);
    expect(out.lines).toEqual(["first"]);
    await Bun.write(go, "");
    const result = await handle.done;
    expect(result.ok).toBe(true);
    expect(out.lines).toEqual(["first", "second"]);
  });

  test("cancel kills the whole group, grandchildren included", async () => {
    const { handle, out } = build("sleep 300 & echo bg $!; echo started; sleep 300");
    const bg = Number((await out.waitFor(/^bg \d+$/)).slice(3));
    await out.waitFor(/^started$/);
    const t0 = performance.now();
    await handle.cancel();
    const result = await handle.done;
    expect(result).toMatchObject({ ok: false, cancelled: true });
    // A compound command runs under the shell's traps, which exit 128+15 after TERM; if the
    // TERM lands while the shell forks `sleep`, the child loses it and the grace ends in KILL.
    expect(
      result.exitCode === 143 || result.signal === "SIGKILL",
      `exit ${result.exitCode} signal ${result.signal}`,
    ).toBe(true);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(isAlive(bg)).toBe(false);
    expect(groupMembers(handle.pid)).toEqual([]);
    await handle.cancel(); // idempotent
  });

  test("cancel SIGKILLs a build that ignores SIGTERM after a short grace", async () => {
    const { handle, out } = build("trap '' TERM; echo started; while :; do sleep 0.05; done");
    await out.waitFor(/^started$/);
    await handle.cancel();
    const result = await handle.done;
    expect(result).toMatchObject({ cancelled: true, signal: "SIGKILL" });
    expect(groupMembers(handle.pid)).toEqual([]);
  });

  test("a build that leaves a background process holding stdout still finishes", async () => {
    const { handle, out } = build("sleep 300 & echo bg $!; echo done");
    const result = await handle.done;
    expect(result.ok).toBe(true);
    const bg = Number(out.lines.find((l) => l.startsWith("bg "))!.slice(3));
    expect(isAlive(bg)).toBe(false);
    expect(result.durationMs).toBeLessThan(2000);
  });

  test("a command that does not exist fails with 127 and the shell's message", async () => {
    const { handle } = build("definitely-not-a-command-hr");
    const result = await handle.done;
    expect(result).toMatchObject({ ok: false, exitCode: 127 });
    expect(result.tail.join("\n")).toContain("not found");
  });
});
