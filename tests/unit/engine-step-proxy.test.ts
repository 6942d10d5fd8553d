import { describe, expect, test } from "bun:test";
import {
  buildFail,
  buildOk,
  change,
  engine,
  exited,
  healthy,
  unhealthy,
} from "../helpers/engine-harness.ts";

const overlap = () => engine({ swap: "overlap" });
const stopFirst = () => engine({ swap: "stop_first" });

/** Start → build → first instance (pid 100) ready and routed. */
function serving(e: ReturnType<typeof engine>, fingerprint = "fp1") {
  e.running(100, fingerprint);
  expect(e.kinds).toContain("probeHealth");
  e.send(healthy(100));
  expect(e.find("route")).toEqual({ type: "route", id: e.idOf(100) });
  return e;
}

describe("engine step behind the proxy: overlap swaps", () => {
  test("the first instance is routed once its port answers, not before", () => {
    const e = overlap().running(100);
    expect(e.kinds).not.toContain("route");
    expect(e.state.phase).toBe("starting");
    e.send(healthy(100));
    expect(e.find("route")?.id).toBe(e.idOf(100));
    expect(e.kinds).toContain("emit:reload.done");
    expect(e.state.phase).toBe("running");
  });

  test("success: the candidate starts beside the old one, takes the traffic when ready, the old one drains then stops", () => {
    const e = serving(overlap());
    e.send(change()).send(buildOk(2));
    expect(e.kinds).toContain("startChild");
    expect(e.kinds).not.toContain("stopChild");
    expect(e.state.active?.pid).toBe(100);
    e.started(101);
    expect(e.kinds).toContain("probeHealth");
    expect(e.kinds).not.toContain("route");
    expect(e.state.phase).toBe("starting");
    e.send(healthy(101));
    expect(e.kinds).toEqual([
      "route",
      "cancelHealth",
      "emit:process.draining",
      "drain",
      "emit:reload.done",
      "emit:phase",
    ]);
    expect(e.find("route")?.id).toBe(e.idOf(101));
    expect(e.find("drain")?.id).toBe(e.idOf(100));
    expect(e.state.active?.pid).toBe(101);
    expect(e.state.phase).toBe("running");
    e.send({ type: "drained", pid: 100 });
    expect(e.find("stopChild")).toEqual({ type: "stopChild", id: e.idOf(100), reason: "retire" });
    e.send(exited(100, 0));
    expect(e.event("process.exited")?.requested).toBe(true);
    expect(e.kinds).not.toContain("startChild");
    expect(e.state.retiring).toEqual([]);
  });

  test("a candidate that fails its health check is stopped; the old one keeps serving and it is reported", () => {
    const e = serving(engine({ swap: "overlap", hasHealthCheck: true }));
    e.send(change()).send(buildOk(2)).started(101);
    e.send(unhealthy(101, "503 Service Unavailable"));
    expect(e.find("stopChild")).toEqual({ type: "stopChild", id: e.idOf(101), reason: "failed" });
    expect(e.kinds).not.toContain("route");
    expect(e.event("swap.failed")?.reason).toContain("503 Service Unavailable");
    expect(e.find("notify")).toMatchObject({
      kind: "build-failed",
      title: "new version failed to start",
    });
    expect(e.state.active?.pid).toBe(100);
    expect(e.state.phase).toBe("running");
  });

  test("a candidate that exits before it is ready is reported; the old one keeps serving", () => {
    const e = serving(overlap());
    e.send(change()).send(buildOk(2)).started(101);
    e.send(exited(101, 2));
    expect(e.event("process.exited")?.requested).toBe(false);
    expect(e.event("swap.failed")?.reason).toContain("exit 2");
    expect(e.kinds).not.toContain("schedule");
    expect(e.state.active?.pid).toBe(100);
    expect(e.state.crash.attempts).toBe(0);
    expect(e.state.phase).toBe("running");
  });

  test("a change while a candidate starts stops it and builds again", () => {
    const e = serving(overlap());
    e.send(change("fp2")).send(buildOk(2)).started(101);
    e.send(change("fp3"));
    expect(e.find("stopChild")).toEqual({
      type: "stopChild",
      id: e.idOf(101),
      reason: "superseded",
    });
    expect(e.kinds).toContain("startBuild");
    expect(e.state.candidate).toBeNull();
    expect(e.state.active?.pid).toBe(100);
  });

  test("a change that restores what the active instance runs stops the stale candidate and builds nothing", () => {
    const e = serving(overlap(), "fp1");
    e.send(change("fp2")).send(buildOk(2)).started(101);
    e.send(change("fp1"));
    expect(e.kinds).toContain("stopChild");
    expect(e.kinds).toContain("emit:build.skipped");
    expect(e.kinds).not.toContain("startBuild");
  });

  test("quit during a drain stops the draining and the active instance, exits when both are gone", () => {
    const e = serving(overlap());
    e.send(change()).send(buildOk(2)).started(101).send(healthy(101));
    e.send({ type: "command", command: "quit" });
    const stopped = e.effects.filter((x) => x.type === "stopChild").map((x) => x.id);
    expect(stopped.sort()).toEqual([e.idOf(100), e.idOf(101)].sort());
    expect(e.find("route")).toEqual({ type: "route", id: null });
    e.send(exited(101, 0));
    expect(e.kinds).not.toContain("exit");
    e.send(exited(100, 0));
    expect(e.find("exit")).toEqual({ type: "exit", code: 0 });
  });

  test("a crash of the active instance while a candidate starts: requests are held, the candidate takes over", () => {
    const e = serving(overlap());
    e.send(change()).send(buildOk(2)).started(101);
    e.send(exited(100, 1));
    expect(e.find("route")).toEqual({ type: "route", id: null });
    expect(e.kinds).not.toContain("schedule");
    expect(e.state.crash.attempts).toBe(1);
    e.send(healthy(101));
    expect(e.find("route")?.id).toBe(e.idOf(101));
    expect(e.kinds).not.toContain("drain");
    expect(e.state.active?.pid).toBe(101);
    expect(e.state.phase).toBe("running");
  });

  test("a failed build keeps the old instance routed", () => {
    const e = serving(overlap());
    e.send(change()).send(buildFail(2));
    expect(e.kinds).not.toContain("route");
    expect(e.kinds).not.toContain("startChild");
    expect(e.state.routed).toBe(e.idOf(100));
  });
});

describe("engine step behind the proxy: stop-first and held requests", () => {
  test("stop-first: new requests are held, the old instance drains, then stops; the new one is routed once ready", () => {
    const e = serving(stopFirst());
    e.send(change()).send(buildOk(2));
    expect(e.find("route")).toEqual({ type: "route", id: null });
    expect(e.find("drain")?.id).toBe(e.idOf(100));
    expect(e.kinds).not.toContain("stopChild");
    expect(e.kinds).not.toContain("startChild");
    expect(e.state.phase).toBe("stopping");
    e.send({ type: "drained", pid: 100 });
    expect(e.find("stopChild")?.reason).toBe("swap");
    expect(e.kinds).not.toContain("startChild");
    e.send(exited(100, 0));
    expect(e.kinds).toContain("startChild");
    e.started(101);
    expect(e.kinds).not.toContain("route");
    e.send(healthy(101));
    expect(e.find("route")?.id).toBe(e.idOf(101));
  });

  test("during crash backoff nothing is routed (requests are held), and the restarted instance is routed when ready", () => {
    const e = serving(stopFirst());
    e.send(exited(100, 1));
    expect(e.find("route")).toEqual({ type: "route", id: null });
    expect(e.state.phase).toBe("backoff");
    e.send({ type: "timer", name: "backoff" }).started(101);
    expect(e.kinds).not.toContain("route");
    e.send(healthy(101));
    expect(e.find("route")?.id).toBe(e.idOf(101));
    // The pages that showed the crash reload onto it (live reload), after the route.
    expect(e.kinds.indexOf("reloadBrowsers")).toBeGreaterThan(e.kinds.indexOf("route"));
  });

  test("the only instance failing its health check is still routed: a struggling server beats none", () => {
    const e = engine({ swap: "stop_first", hasHealthCheck: true }).running(100);
    e.send(unhealthy(100));
    expect(e.find("route")?.id).toBe(e.idOf(100));
    expect(e.state.phase).toBe("unhealthy");
  });

  test("stop-first: a change while the old instance drains waits for the swap, then builds the newer tree", () => {
    const e = serving(stopFirst());
    e.send(change("fp2")).send(buildOk(2));
    e.send(change("fp3"));
    expect(e.kinds).not.toContain("startBuild");
    e.send({ type: "drained", pid: 100 }).send(exited(100, 0));
    expect(e.kinds).toContain("startBuild");
  });

  test("stop-first: an old instance that exits on its own while draining still hands over", () => {
    const e = serving(stopFirst());
    e.send(change()).send(buildOk(2));
    e.send(exited(100, 0));
    expect(e.kinds).toContain("startChild");
    e.send({ type: "drained", pid: 100 });
    expect(e.kinds).not.toContain("stopChild");
  });

  test("stop-first: quit while the old instance drains stops it and exits", () => {
    const e = serving(stopFirst());
    e.send(change()).send(buildOk(2));
    e.send({ type: "command", command: "quit" });
    expect(e.find("stopChild")?.reason).toBe("quit");
    e.send(exited(100, 0));
    expect(e.find("exit")).toEqual({ type: "exit", code: 0 });
  });
});
