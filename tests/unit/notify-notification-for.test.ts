import { describe, expect, test } from "bun:test";
import type { Event, EventInput } from "../../src/events/types.ts";
import {
  firstErrorLine,
  initialNotifyState,
  type NotifyState,
  notificationFor,
  projectName,
} from "../../src/notify/notification-for.ts";
import type { Notification } from "../../src/notify/types.ts";

const at = (input: EventInput): Event => ({ ...input, time: 0 }) as Event;

const started = at({
  type: "engine.started",
  version: "0.1.0",
  root: "/home/me/go-server",
  pid: 1,
  build: "go build",
  exec: "./bin/server",
});
const buildStarted = (seq: number) =>
  at({ type: "build.started", seq, command: "go build", reason: "change" });
const buildOk = (seq: number) =>
  at({
    type: "build.finished",
    seq,
    ok: true,
    exitCode: 0,
    signal: null,
    durationMs: 120,
    tail: [],
  });
const buildFailed = (
  seq: number,
  tail: string[],
  exitCode: number | null = 1,
  signal: string | null = null,
) => at({ type: "build.finished", seq, ok: false, exitCode, signal, durationMs: 80, tail });
const crash = (attempt: number, delayMs = 1000) =>
  at({ type: "crash.backoff", attempt, delayMs, exitCode: 1 });
const healthOk = at({ type: "health.ok", pid: 9, attempts: 1, ms: 3, status: 200 });
const healthFailed = at({
  type: "health.failed",
  pid: 9,
  attempts: 10,
  error: "connect ECONNREFUSED 127.0.0.1:8080",
});
const reloadDone = (seq: number) => at({ type: "reload.done", seq, files: 1, timing: {} });

/** Runs events in order and returns the notifications each one produced (null for none). */
function run(events: Event[], state: NotifyState = initialNotifyState) {
  const out: (Notification | null)[] = [];
  let current = state;
  for (const event of events) {
    const step = notificationFor(event, current);
    current = step.state;
    out.push(step.notification);
  }
  return { out, state: current };
}

const kinds = (out: (Notification | null)[]) => out.map((n) => n?.kind ?? null);

describe("build failures", () => {
  test("a failed build names the first error line, without colours, titled with the project", () => {
    const tail = [
      "# example.com/go-server",
      "\u001b[31m./handler.go:12:2: undefined: foo\u001b[0m",
      "./handler.go:14:1: syntax error",
    ];
    const { out } = run([started, buildStarted(1), buildFailed(1, tail)]);
    expect(out[2]).toEqual({
      kind: "build-failed",
      title: "hotreload · go-server: build failed",
      body: "./handler.go:12:2: undefined: foo",
    });
  });

  test("every failed build notifies (the notifier throttles); the first success recovers once", () => {
    const { out } = run([
      buildFailed(1, ["error: x"]),
      buildFailed(2, ["error: y"]),
      buildOk(3),
      buildOk(4),
    ]);
    expect(kinds(out)).toEqual(["build-failed", "build-failed", "recovered", null]);
    expect(out[2]).toEqual({
      kind: "recovered",
      title: "hotreload: recovered",
      body: "The build succeeds again (120 ms).",
    });
  });

  test("success without an earlier failure is quiet", () => {
    expect(kinds(run([started, buildOk(1), healthOk, reloadDone(1)]).out)).toEqual([
      null,
      null,
      null,
      null,
    ]);
  });

  test("with no error-like line the body says how the build ended", () => {
    expect(run([buildFailed(1, [])]).out[0]?.body).toBe("The build exited with code 1.");
    expect(run([buildFailed(1, ["  "], null, "SIGKILL")]).out[0]?.body).toBe(
      "The build was killed by SIGKILL.",
    );
  });
});

describe("crash loops", () => {
  test("one notification per streak; a count that starts over is a new streak", () => {
    const { out } = run([started, buildOk(1), crash(1), crash(2, 2000), crash(3, 4000), crash(1)]);
    expect(kinds(out)).toEqual([null, null, "crash-loop", null, null, "crash-loop"]);
    expect(out[2]).toEqual({
      kind: "crash-loop",
      title: "hotreload · go-server: server crashed",
      body: "The server exited with code 1; restarting in 1s (crash 1).",
    });
  });

  test("a server that passes its health check between crashes is one streak, recovered once", () => {
    const { out } = run([buildOk(1), crash(1), healthOk, crash(2), healthOk, crash(3), healthOk]);
    expect(kinds(out)).toEqual([null, "crash-loop", "recovered", null, null, null, null]);
  });

  test("a newer build ends the streak: its reload recovers, its next crash notifies", () => {
    const { out } = run([
      buildOk(1),
      crash(1),
      crash(2),
      buildStarted(2),
      buildOk(2),
      reloadDone(2),
      crash(3),
    ]);
    expect(kinds(out)).toEqual([null, "crash-loop", null, null, null, "recovered", "crash-loop"]);
    expect(out[5]?.body).toBe("The server restarted with the new build.");
  });

  test("a restart of the same build is not a recovery", () => {
    expect(kinds(run([buildOk(3), crash(1), reloadDone(3)]).out)).toEqual([
      null,
      "crash-loop",
      null,
    ]);
  });

  test("fractional delays are shown with one decimal", () => {
    expect(run([crash(1, 1500)]).out[0]?.body).toContain("restarting in 1.5s");
  });
});

describe("health", () => {
  test("unhealthy notifies with the probe error; the next healthy answer recovers", () => {
    const { out } = run([started, healthFailed, healthOk, healthOk]);
    expect(out[1]).toEqual({
      kind: "unhealthy",
      title: "hotreload · go-server: server unhealthy",
      body: "No healthy answer after 10 attempts: connect ECONNREFUSED 127.0.0.1:8080",
    });
    expect(kinds(out)).toEqual([null, "unhealthy", "recovered", null]);
    expect(out[2]?.body).toBe("The server answers its health check again.");
  });

  test("a healthy old server does not hide a build that still fails", () => {
    expect(kinds(run([buildFailed(2, ["error: x"]), healthOk]).out)).toEqual([
      "build-failed",
      null,
    ]);
  });
});

test("events that are not about failures leave the state untouched", () => {
  const state = run([started, buildFailed(1, ["error: x"])]).state;
  const log = at({ type: "log", stream: "app", fd: "stdout", line: "error: not a build" });
  const step = notificationFor(log, state);
  expect(step).toEqual({ state, notification: null });
});

describe("helpers", () => {
  test("firstErrorLine prefers error-like lines, then any line not starting with #", () => {
    expect(firstErrorLine(["compiling", "src/a.ts(3,5): error TS2322: nope", "x"])).toBe(
      "src/a.ts(3,5): error TS2322: nope",
    );
    expect(firstErrorLine(["# pkg", "", "  something odd  "])).toBe("something odd");
    expect(firstErrorLine(["", "  "])).toBeNull();
    expect(firstErrorLine([`error: ${"x".repeat(400)}`])?.length).toBe(300);
  });

  test("projectName takes the last segment for either separator", () => {
    expect(projectName("/home/me/app/")).toBe("app");
    expect(projectName("C:\\src\\api\\")).toBe("api");
    expect(projectName("/")).toBeNull();
  });
});
