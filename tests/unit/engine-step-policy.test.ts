import { describe, expect, test } from "bun:test";
import { buildOk, change, engine, exited } from "../helpers/engine-harness.ts";

describe("engine step: restart policy", () => {
  test("on_failure (default): a clean exit is reported as exited and waits for a change, no backoff", () => {
    const e = engine().running(100);
    e.send(exited(100, 0));
    expect(e.event("process.exited")?.requested).toBe(false);
    expect(e.kinds).not.toContain("schedule");
    expect(e.kinds).not.toContain("notify");
    expect(e.state.phase).toBe("exited");
    expect(e.state.crash.attempts).toBe(0);
    e.send(change()).send(buildOk(2));
    expect(e.kinds).toContain("startChild");
  });

  test("on_failure: a non-zero exit and a signal are crashes with backoff", () => {
    const e = engine().running(100);
    e.send(exited(100, null, "SIGSEGV"));
    expect(e.find("schedule")?.ms).toBe(1000);
    expect(e.find("notify")?.body).toContain("killed by SIGSEGV");
  });

  test("always: a clean exit restarts too, with the backoff and no crash notification", () => {
    const e = engine({ restart: "always" }).running(100);
    e.send(exited(100, 0));
    expect(e.find("schedule")?.ms).toBe(1000);
    expect(e.kinds).not.toContain("notify");
    e.send({ type: "timer", name: "backoff" });
    expect(e.kinds).toContain("startChild");
  });

  test("never: a crash is reported and nothing restarts until a change", () => {
    const e = engine({ restart: "never" }).running(100);
    e.send(exited(100, 3));
    expect(e.kinds).not.toContain("schedule");
    expect(e.find("notify")?.body).toBe("exit 3 — waiting for a change (restart: never)");
    expect(e.state.phase).toBe("crashed");
    e.send(change()).send(buildOk(2));
    expect(e.kinds).toContain("startChild");
  });
});

describe("engine step: what a batch asks for", () => {
  test("a restart batch (an env file) restarts without a build", () => {
    const e = engine().running(100);
    e.send(change("fp1", ".env", "restart"));
    expect(e.kinds).not.toContain("startBuild");
    expect(e.find("stopChild")?.reason).toBe("restart");
    e.send(exited(100, 0));
    expect(e.kinds).toContain("startChild");
    e.started(101);
    expect(e.kinds).toContain("emit:reload.done");
  });

  test("a restart batch during a build changes nothing: the build starts a fresh process anyway", () => {
    const e = engine().running(100).send(change("fp2"));
    e.send(change("fp2", ".env", "restart"));
    expect(e.effects).toEqual([]);
    e.send(buildOk(2));
    expect(e.find("stopChild")?.reason).toBe("swap");
  });

  test("a restart batch behind the proxy starts a candidate of the same build beside the old one", () => {
    const e = engine({ swap: "overlap" }).running(100);
    e.send({ type: "health", pid: 100, ok: true, attempts: 1, ms: 1, status: 0 });
    e.send(change("fp1", ".env", "restart"));
    expect(e.kinds).toContain("startChild");
    expect(e.kinds).not.toContain("stopChild");
    expect(e.state.candidate).not.toBeNull();
  });

  test("without a build command a change queued during a swap restarts the server and never runs an empty build", () => {
    const e = engine({ hasBuild: false, buildCommand: null }).send({ type: "start" }).started(5);
    e.send(change("a"));
    expect(e.find("stopChild")?.reason).toBe("swap");
    e.send(change("b"));
    expect(e.kinds).not.toContain("startBuild");
    e.send(exited(5, 0));
    expect(e.kinds).not.toContain("startBuild");
    expect(e.kinds).not.toContain("emit:build.started");
    expect(e.kinds).toContain("startChild");
  });
});
