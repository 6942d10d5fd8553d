/**
 * The Windows stop path (forced tree kill, exit code checked, deadlines) run here against a
 * real process group, with the tree-kill command swapped for one that behaves like
 * taskkill does when it works, fails, or hangs. On Windows itself it would be taskkill.
 */
import { expect, test } from "bun:test";
import { spawnGroup } from "../../src/run/process-group.ts";
import { stopOnWindows } from "../../src/run/windows-stop.ts";
import { recordingLogger } from "../helpers/dashboard-harness.ts";
import { collectStream, createLineCollector, leftoverGroups } from "../helpers/run-processes.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const groups = leftoverGroups();

function start(command: string) {
  using dir = tempDir();
  const group = spawnGroup({
    command,
    cwd: dir.path,
    env: process.env,
    stdin: "ignore",
    log: recordingLogger([]),
  });
  groups.add(group.pid);
  return group;
}

const killTree = (pid: number) => [process.execPath, "-e", `process.kill(-${pid}, "SIGKILL")`];
const failingTaskkill = () => [
  "sh",
  "-c",
  "echo 'ERROR: The process with PID 4242 could not be terminated. Access is denied.' >&2; exit 1",
];

test("a working tree kill: no warning, the group is gone", async () => {
  const group = start("sleep 300");
  const logs: string[] = [];
  const outcome = await stopOnWindows(group, {
    timeoutMs: 5000,
    log: recordingLogger(logs),
    killTreeArgv: killTree,
  });
  expect(outcome).toEqual({ forced: true, exited: true });
  expect(logs).toEqual([
    `debug: stopping pid ${group.pid} with a forced tree kill (taskkill /T /F)`,
  ]);
});

test("taskkill exits non-zero: its exit code and message are logged, the leader is terminated", async () => {
  const group = start("sleep 300");
  const logs: string[] = [];
  const outcome = await stopOnWindows(group, {
    timeoutMs: 5000,
    log: recordingLogger(logs),
    killTreeArgv: failingTaskkill,
  });
  expect(outcome).toEqual({ forced: true, exited: true });
  expect(logs.filter((l) => l.startsWith("warn"))).toEqual([
    `warn: a forced tree kill (taskkill /T /F) of pid ${group.pid} failed (sh exited 1: ERROR: The process with PID 4242 could not be terminated. Access is denied.); terminating pid ${group.pid} alone`,
  ]);
});

test("taskkill hangs: it is abandoned at the deadline, not waited for", async () => {
  const group = start("sleep 300");
  const logs: string[] = [];
  const started = performance.now();
  const outcome = await stopOnWindows(group, {
    timeoutMs: 300,
    log: recordingLogger(logs),
    killTreeArgv: () => ["sleep", "30"],
  });
  expect(performance.now() - started).toBeLessThan(5000);
  expect(outcome.exited).toBe(true);
  expect(logs.join("\n")).toContain("(sleep did not finish within 300ms)");
});

test("nothing ends the server: the stop returns at the deadline with an error naming the pid", async () => {
  // The leader ignores the TERM that stands in for TerminateProcess here.
  const group = start("trap '' TERM; echo trapped; while :; do sleep 0.05; done");
  const lines = createLineCollector();
  void collectStream(group.proc.stdout, lines);
  await lines.waitFor("trapped");
  const logs: string[] = [];
  const started = performance.now();
  const outcome = await stopOnWindows(group, {
    timeoutMs: 300,
    log: recordingLogger(logs),
    killTreeArgv: failingTaskkill,
  });
  expect(performance.now() - started).toBeLessThan(5000);
  expect(outcome).toEqual({ forced: true, exited: false });
  const errors = logs.filter((l) => l.startsWith("error"));
  expect(errors).toHaveLength(1);
  expect(errors[0]).toContain(`pid ${group.pid} is still running 300ms after TerminateProcess`);
  expect(errors[0]).toContain(`taskkill /T /F /PID ${group.pid}`);
});

test("an already exited server: nothing is run", async () => {
  const group = start("true");
  await group.proc.exited;
  const logs: string[] = [];
  const outcome = await stopOnWindows(group, {
    timeoutMs: 300,
    log: recordingLogger(logs),
    killTreeArgv: () => {
      throw new Error("must not run");
    },
  });
  expect(outcome).toEqual({ forced: true, exited: true });
  expect(logs).toEqual([]);
});
