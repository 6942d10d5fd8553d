/**
 * Numbers have bounds: no duration can overflow a timer (2^31−1 ms, above which Bun and
 * Node wrap to 1 ms), and what is out of range is refused with the range in the message.
 */
import { describe, expect, test } from "bun:test";
import { createSystemClock } from "../../src/clock.ts";
import { formatDuration } from "../../src/config/duration.ts";
import { loadConfig } from "../../src/config/load.ts";
import { MAIN } from "../helpers/hotreload-process.ts";
import { runToEnd } from "../helpers/run-processes.ts";
import { tempDir } from "../helpers/temp-dir.ts";

function problem(yaml: string): string {
  using dir = tempDir();
  dir.write(".hotreload.yaml", `exec: ./x\n${yaml}`);
  const result = loadConfig({ cwd: dir.path, flags: {} });
  if (result.ok) throw new Error(`expected ${yaml.trim()} to be refused`);
  return [result.error.message, ...(result.error.details ?? [])].join("\n");
}

describe("durations out of range are refused with the range", () => {
  test.each([
    ["stop:\n  timeout: 1000h\n", "`stop.timeout` to be a duration from 0ms to 1h"],
    [
      "crash:\n  backoff_initial: 1000h\n",
      "`crash.backoff_initial` to be a duration from 100ms to 1h",
    ],
    ["crash:\n  backoff_initial: 0\n", "`crash.backoff_initial` to be a duration from 100ms to 1h"],
    ["crash:\n  backoff_max: 50ms\n", "`crash.backoff_max` to be a duration from 100ms to 1h"],
    ["crash:\n  reset_after: 1000h\n", "`crash.reset_after` to be a duration from 0ms to 500h"],
    [
      "health_check:\n  interval: 1000h\n",
      "`health_check.interval` to be a duration from 1ms to 10m",
    ],
    ["health_check:\n  timeout: 0\n", "`health_check.timeout` to be a duration from 1ms to 10m"],
    ["poll: 1000h\n", "`poll` to be `true`, `false` or an interval from 10ms to 1m"],
    ["poll: 1ms\n", "`poll` to be `true`, `false` or an interval from 10ms to 1m"],
    ["debounce: 2m\n", "`debounce` to be `auto` or a duration from 0ms to 1m"],
    ["debounce_max: 1000h\n", "`debounce_max` to be a duration from 0ms to 10m"],
  ])("%p", (yaml, message) => {
    expect(problem(yaml)).toContain(`Expected ${message}, got`);
  });

  test("the edges are accepted", () => {
    using dir = tempDir();
    dir.write(
      ".hotreload.yaml",
      "exec: ./x\nstop:\n  timeout: 1h\ncrash:\n  backoff_initial: 100ms\n  backoff_max: 1h\n  reset_after: 500h\npoll: 1m\n",
    );
    const result = loadConfig({ cwd: dir.path, flags: {} });
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.value.config.stop.timeout).toBe(3_600_000);
      expect(result.value.config.crash.reset_after).toBe(1_800_000_000);
      expect(result.value.config.poll).toBe(60_000);
    }
  });

  test("exit 2 from the CLI, naming the key, and no stack trace", async () => {
    using dir = tempDir();
    dir.write(".hotreload.yaml", "exec: ./x\nstop:\n  timeout: 1000h\n");
    const run = await runToEnd([process.execPath, MAIN, "check"], {
      cwd: dir.path,
      env: { ...process.env, NO_COLOR: "1" },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("stop.timeout");
    expect(run.stderr).toContain("from 0ms to 1h");
    expect(run.stderr).not.toContain("    at ");
  });
});

test("durations print as written: hours stay hours", () => {
  expect(formatDuration(3_600_000)).toBe("1h");
  expect(formatDuration(1_800_000_000)).toBe("500h");
  expect(formatDuration(90_000)).toBe("90s");
});

test("the clock clamps a delay above the timer limit instead of firing at once", async () => {
  const clock = createSystemClock();
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(warning.name);
  process.on("warning", onWarning);
  let fired = false;
  const handle = clock.setTimeout(
    () => {
      fired = true;
    },
    2 ** 31 + 10,
  );
  const control = Promise.withResolvers<void>();
  clock.setTimeout(() => control.resolve(), 20);
  await control.promise;
  clock.clearTimeout(handle);
  process.off("warning", onWarning);
  expect(fired).toBe(false);
  expect(warnings).not.toContain("TimeoutOverflowWarning");
});

test("check prints every duration key in its unit, proxy and hook timeouts included", async () => {
  using dir = tempDir();
  dir.write("srv.sh", "");
  dir.write(
    ".hotreload.yaml",
    "exec: sh srv.sh\nstop:\n  timeout: 1h\nproxy:\n  drain_timeout: 30m\ncrash:\n  reset_after: 90s\n",
  );
  const run = await runToEnd([process.execPath, MAIN, "check"], { cwd: dir.path });
  expect(run.code).toBe(0);
  expect(run.stdout).toContain("  timeout: 1h\n");
  expect(run.stdout).toContain("  drain_timeout: 30m\n");
  expect(run.stdout).toContain("  reset_after: 90s\n");
  expect(run.stdout).not.toMatch(/_timeout: \d+\n/);
});
