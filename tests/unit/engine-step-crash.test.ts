import { describe, expect, test } from "bun:test";
import type { Effect } from "../../src/engine/types.ts";
import { buildFail, buildOk, change, engine, exited } from "../helpers/engine-harness.ts";

describe("engine step: crashes, health, commands, quitting", () => {
  test("a successful first build starts the server; started without health check means ready", () => {
    const e = engine().send({ type: "start" }).send(buildOk(1), 400);
    expect(e.kinds).toEqual([
      "emit:build.finished",
      "emit:process.starting",
      "startChild",
      "emit:phase",
    ]);
    e.send({ type: "childStarted", id: 0, pid: 42 }, 410);
    expect(e.kinds).toContain("emit:reload.done");
    expect(e.event("reload.done")?.timing).toEqual({ build: 400, start: 10 });
    expect(e.state.phase).toBe("running");
  });

  test("a crash backs off 1s, 2s, 4s … capped at 32s", () => {
    const e = engine().running(100);
    const delays: number[] = [];
    let pid = 100;
    for (let i = 0; i < 8; i++) {
      e.send(exited(pid), 1000 * i);
      expect(e.event("process.exited")?.requested).toBe(false);
      delays.push(e.find("schedule")?.ms ?? -1);
      expect(e.state.phase).toBe("backoff");
      e.send({ type: "timer", name: "backoff" });
      expect(e.kinds).toContain("startChild");
      e.send({ type: "childStarted", id: 0, pid: ++pid });
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 32000, 32000]);
  });

  test("a process that stayed up reset_after resets the crash count", () => {
    const e = engine().running(100);
    e.send(exited(100), 100)
      .send({ type: "timer", name: "backoff" })
      .send({ type: "childStarted", id: 0, pid: 101 }, 1200);
    e.send(exited(101), 1300);
    expect(e.find("schedule")?.ms).toBe(2000);
    e.send({ type: "timer", name: "backoff" }).send(
      { type: "childStarted", id: 0, pid: 102 },
      4000,
    );
    e.send(exited(102), 4000 + 10_000);
    expect(e.find("schedule")?.ms).toBe(1000);
  });

  test("crashes notify once per streak; a crash after the count resets notifies again", () => {
    const e = engine().running(100);
    const notices: Effect[] = [];
    let pid = 100;
    for (const at of [100, 1300, 3500]) {
      e.send(exited(pid), at);
      notices.push(...e.effects.filter((effect) => effect.type === "notify"));
      e.send({ type: "timer", name: "backoff" }).send(
        { type: "childStarted", id: 0, pid: ++pid },
        at + 50,
      );
    }
    expect(e.state.crash.attempts).toBe(3);
    expect(notices).toEqual([
      {
        type: "notify",
        kind: "crash-loop",
        title: "server crashed",
        body: "exit 1 — restarting with backoff (1s, 2s, 4s … 32s)",
      },
    ]);
    e.send(exited(pid), 3550 + 10_000); // stayed up reset_after: a new streak
    expect(e.state.crash.attempts).toBe(1);
    expect(e.find("notify")).toMatchObject({ kind: "crash-loop", title: "server crashed" });
  });

  test("a real change during backoff rebuilds at once", () => {
    const e = engine().running(100).send(exited(100));
    e.send(change());
    expect(e.kinds).toEqual(["cancelTimer", "emit:build.started", "startBuild", "emit:phase"]);
    e.send(buildOk(2));
    expect(e.state.crash.attempts).toBe(0);
    expect(e.kinds).toContain("startChild");
  });

  test("health: ok completes the reload; failure marks the server unhealthy and notifies", () => {
    const e = engine({ hasHealthCheck: true }).send({ type: "start" }).send(buildOk(1), 100);
    e.send({ type: "childStarted", id: 0, pid: 7 }, 120);
    expect(e.kinds).toContain("probeHealth");
    expect(e.state.phase).toBe("starting");
    e.send({ type: "health", pid: 7, ok: true, attempts: 2, ms: 30, status: 200 }, 150);
    expect(e.event("reload.done")?.timing).toEqual({ build: 100, start: 20, healthy: 30 });
    expect(e.state.phase).toBe("running");

    const f = engine({ hasHealthCheck: true })
      .send({ type: "start" })
      .send(buildOk(1))
      .send({ type: "childStarted", id: 0, pid: 8 });
    f.send({ type: "health", pid: 8, ok: false, attempts: 10, error: "connection refused" });
    expect(f.state.phase).toBe("unhealthy");
    expect(f.find("notify")?.kind).toBe("unhealthy");
  });

  test("a crash while unhealthy backs off and cancels the probe", () => {
    const e = engine({ hasHealthCheck: true })
      .send({ type: "start" })
      .send(buildOk(1))
      .send({ type: "childStarted", id: 0, pid: 8 });
    e.send({ type: "health", pid: 8, ok: false, attempts: 10, error: "503" });
    e.send(exited(8));
    expect(e.kinds).toContain("cancelHealth");
    expect(e.kinds).toContain("schedule");
    expect(e.state.phase).toBe("backoff");
  });

  test("recovering after a failed build notifies once the new server is healthy", () => {
    const e = engine({ hasHealthCheck: true })
      .send({ type: "start" })
      .send(buildOk(1))
      .send({ type: "childStarted", id: 0, pid: 8 });
    e.send({ type: "health", pid: 8, ok: true, attempts: 1, ms: 5, status: 200 });
    e.send(change("b"))
      .send(buildFail(2))
      .send(change("c"))
      .send(buildOk(3))
      .send(exited(8, 0))
      .send({ type: "childStarted", id: 0, pid: 9 });
    e.send({ type: "health", pid: 9, ok: true, attempts: 1, ms: 5, status: 200 });
    expect(e.find("notify")?.kind).toBe("recovered");
  });

  test("quit during a build cancels it, stops the server and exits 0 after it is gone", () => {
    const e = engine().running(100).send(change());
    e.send({ type: "command", command: "quit" });
    expect(e.kinds).toEqual([
      "cancelBuild",
      "cancelHealth",
      "emit:process.stopping",
      "stopChild",
      "emit:phase",
    ]);
    expect(e.state.phase).toBe("stopping");
    e.send(change());
    expect(e.effects).toEqual([]);
    e.send(exited(100, 0));
    expect(e.find("exit")).toEqual({ type: "exit", code: 0 });
  });

  test("quit with nothing running exits at once", () => {
    const e = engine().send({ type: "start" }).send(buildFail(1));
    e.send({ type: "command", command: "quit" });
    expect(e.kinds).toContain("exit");
  });

  test("rebuild command builds even when nothing changed; restart command restarts without building", () => {
    const e = engine().running(100, "fp");
    e.send({ type: "command", command: "rebuild" });
    expect(e.kinds).toContain("startBuild");
    e.send(buildOk(2)).send(exited(100, 0)).send({ type: "childStarted", id: 0, pid: 101 });
    e.send({ type: "command", command: "restart" });
    expect(e.find("stopChild")).toEqual({ type: "stopChild", id: e.idOf(101), reason: "restart" });
    e.send(exited(101, 0));
    expect(e.kinds).toContain("startChild");
    expect(e.kinds).not.toContain("startBuild");
  });

  test("stop command halts until start; a stopped server is not a crash", () => {
    const e = engine().running(100);
    e.send({ type: "command", command: "stop" });
    e.send(exited(100, 0));
    expect(e.kinds).not.toContain("schedule");
    expect(e.state.phase).toBe("stopped");
    e.send({ type: "command", command: "start" });
    expect(e.kinds).toContain("startChild");
  });

  test("a crash during a build waits for the build instead of restarting the old binary", () => {
    const e = engine().running(100).send(change());
    e.send(exited(100));
    expect(e.kinds).not.toContain("schedule");
    e.send(buildOk(2));
    expect(e.kinds).toContain("startChild");
  });
});
