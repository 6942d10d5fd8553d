/**
 * The smaller cases of issue 17: output flags on `check`, a bad --log-level, a dashboard
 * host that is not ours, and a pidfile write that fails half-way.
 */
import { describe, expect, test } from "bun:test";
import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { writePidfile } from "../../src/run/pidfile.ts";
import { freePort, MAIN } from "../helpers/hotreload-process.ts";
import { runToEnd } from "../helpers/run-processes.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const hotreload = (cwd: string, args: string[]) =>
  runToEnd([process.execPath, MAIN, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: "1", HOTRELOAD_LOG_LEVEL: undefined },
  });

describe("flags", () => {
  test("check accepts the output flags of a run command line", async () => {
    using dir = tempDir();
    const run = await hotreload(dir.path, ["check", "--exec", "true", "--no-color", "--quiet"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
  });

  test("a bad --log-level is an error naming the flag, exit 2 (run and check)", async () => {
    using dir = tempDir();
    for (const args of [
      ["--exec", "true"],
      ["check", "--exec", "./x"],
    ]) {
      const run = await hotreload(dir.path, [...args, "--log-level", "loud"]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(
        '--log-level: Expected one of debug, info, warn, error, got "loud"',
      );
      expect(run.stderr).not.toContain("HOTRELOAD_LOG_LEVEL=loud");
    }
  });

  test("a --dashboard-host that is no address of this machine exits 2 with a hint", async () => {
    using dir = tempDir();
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never assigned to a local interface.
    const run = await hotreload(dir.path, [
      "--exec",
      "sleep 30",
      "--dashboard",
      "--dashboard-host",
      "192.0.2.1",
      "--dashboard-port",
      String(freePort()),
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("192.0.2.1 is not an address of this machine");
    expect(run.stderr).toContain("--dashboard-host 127.0.0.1");
  }, 30_000);
});

test("a pidfile write that fails leaves no temp file behind", async () => {
  using dir = tempDir();
  const path = join(dir.path, "p.pid.json");
  mkdirSync(path); // the rename onto it fails, after the temp file was written
  const record = {
    root: "/proj",
    command: "x",
    startedAt: 0,
    engine: { pid: process.pid, start: null },
    group: { pgid: 1, start: null },
  };
  await expect(writePidfile(path, record)).rejects.toThrow();
  expect(readdirSync(dir.path)).toEqual(["p.pid.json"]);
});
