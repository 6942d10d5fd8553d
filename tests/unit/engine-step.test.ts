import { describe, expect, test } from "bun:test";
import { buildFail, buildOk, change, engine, exited } from "../helpers/engine-harness.ts";

describe("engine step: builds, swaps, changes", () => {
  test("start with a build command builds first", () => {
    const e = engine().send({ type: "start" });
    expect(e.kinds).toEqual(["emit:build.started", "startBuild", "emit:phase"]);
    expect(e.state.phase).toBe("building");
  });

  test("start without a build command starts exec directly", () => {
    const e = engine({ hasBuild: false }).send({ type: "start" });
    expect(e.kinds).toContain("startChild");
    expect(e.state.phase).toBe("starting");
  });

  test("build, then swap: the old server is stopped only after the build succeeded", () => {
    const e = engine().running(100);
    e.send(change());
    expect(e.kinds).not.toContain("stopChild");
    expect(e.state.phase).toBe("building");
    e.send(buildOk(2));
    expect(e.find("stopChild")).toEqual({ type: "stopChild", id: e.idOf(100), reason: "swap" });
    expect(e.kinds).not.toContain("startChild");
    e.send(exited(100, 0));
    expect(e.event("process.exited")?.requested).toBe(true);
    expect(e.kinds).toContain("startChild");
  });

  test("a failed build while a server runs keeps it serving and notifies", () => {
    const e = engine().running(100).send(change()).send(buildFail(2));
    expect(e.kinds).not.toContain("stopChild");
    expect(e.event("build.finished")?.ok).toBe(false);
    expect(e.find("notify")).toMatchObject({
      kind: "build-failed",
      title: "build failed",
      body: "./main.go:3:1: syntax error: unexpected }",
    });
    expect(e.state.phase).toBe("running");
  });

  test("a change during a build cancels it and builds again (on_busy: restart)", () => {
    const e = engine().running(100).send(change("fp2"));
    e.send(change("fp3", "b.go"));
    expect(e.kinds).toEqual([
      "cancelBuild",
      "emit:build.cancelled",
      "emit:build.started",
      "startBuild",
    ]);
    expect(e.find("startBuild")?.seq).toBe(3);
    e.send(buildOk(2)); // the cancelled build reporting late is ignored
    expect(e.effects).toEqual([]);
  });

  test("a change during a build is queued with on_busy: queue", () => {
    const e = engine({ onBusy: "queue" }).running(100).send(change("fp2"));
    e.send(change("fp3"));
    expect(e.kinds).toEqual([]);
    e.send(buildOk(2));
    expect(e.find("startBuild")?.seq).toBe(3);
  });

  test("a build whose tree fingerprint equals the running one is skipped", () => {
    const e = engine().running(100, "same").send(change("same"));
    expect(e.kinds).toEqual(["emit:build.skipped"]);
    expect(e.state.build).toBeNull();
  });

  test("without a build command a change restarts exec", () => {
    const e = engine({ hasBuild: false })
      .send({ type: "start" })
      .send({ type: "childStarted", id: 0, pid: 5 });
    e.send(change("x"));
    expect(e.find("stopChild")?.reason).toBe("swap");
    e.send(exited(5, 0));
    expect(e.kinds).toContain("startChild");
  });
});
