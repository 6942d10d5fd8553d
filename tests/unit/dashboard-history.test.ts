import { describe, expect, test } from "bun:test";
import {
  createHistory,
  type HistoryState,
  initialHistory,
  MAX_BUILDS,
  MAX_CHANGE_BATCHES,
  MAX_FILES_PER_BATCH,
  reduceHistory,
  viewOf,
} from "../../src/dashboard/history.ts";
import type { Event, EventInput, Phase } from "../../src/events/types.ts";

/** Feeds events stamped with explicit times (ms) through the reducer. */
function run(steps: [number, EventInput][], from: HistoryState = initialHistory): HistoryState {
  return steps.reduce(
    (state, [time, input]) => reduceHistory(state, { ...input, time } as Event),
    from,
  );
}

const reloadOne: [number, EventInput][] = [
  [1000, { type: "changes", changes: [{ path: "main.go", kind: "modify" }], fingerprint: "f1" }],
  [1000, { type: "build.started", seq: 1, command: "go build", reason: "main.go changed" }],
  [
    1800,
    {
      type: "build.finished",
      seq: 1,
      ok: true,
      exitCode: 0,
      signal: null,
      durationMs: 800,
      tail: [],
    },
  ],
  [1800, { type: "process.starting", command: "./app" }],
  [1850, { type: "process.started", pid: 100 }],
  [2050, { type: "health.ok", pid: 100, attempts: 2, ms: 200, status: 200 }],
  [
    2050,
    { type: "reload.done", seq: 1, files: 1, timing: { build: 800, start: 50, healthy: 200 } },
  ],
];

describe("dashboard history reducer", () => {
  test("a first reload records build, start and healthy times, the process and health", () => {
    const state = run(reloadOne);
    expect(state.builds).toHaveLength(1);
    const build = state.builds[0]!;
    expect(build).toMatchObject({ seq: 1, outcome: "ok", done: true, reason: "main.go changed" });
    expect(build.stages).toEqual({ build: 800, start: 50, healthy: 200 });
    expect(build.durationMs).toBe(1050);
    expect(state.process).toEqual({ pid: 100, startedAt: 1850 });
    expect(state.health).toEqual({ status: "ok", pid: 100, attempts: 2, ms: 200 });
    expect(state.reload).toBeNull();
  });

  test("a swap derives the stop time from process.stopping → process.exited", () => {
    const state = run([
      ...reloadOne,
      [5000, { type: "build.started", seq: 2, command: "go build", reason: "x" }],
      [
        5500,
        {
          type: "build.finished",
          seq: 2,
          ok: true,
          exitCode: 0,
          signal: null,
          durationMs: 500,
          tail: [],
        },
      ],
      [5500, { type: "process.stopping", pid: 100, signal: "SIGTERM" }],
      [
        5530,
        {
          type: "process.exited",
          pid: 100,
          exitCode: 0,
          signal: null,
          requested: true,
          uptimeMs: 3680,
        },
      ],
      [5530, { type: "process.starting", command: "./app" }],
      [5570, { type: "process.started", pid: 101 }],
      [5600, { type: "health.ok", pid: 101, attempts: 1, ms: 30, status: 200 }],
    ]);
    const build = state.builds[1]!;
    expect(build.stages).toEqual({ build: 500, stop: 30, start: 40, healthy: 30 });
    expect(build.done).toBe(false); // reload.done has not arrived yet
    expect(state.process?.pid).toBe(101);
    const done = run(
      [[5600, { type: "reload.done", seq: 2, files: 1, timing: { stop: 31 } }]],
      state,
    );
    expect(done.builds[1]!.stages.stop).toBe(31); // the engine's own figure wins
    // Wall time is 600 ms, but a total is never less than the sum of its stages (601).
    expect(done.builds[1]!.durationMs).toBe(601);
  });

  test("a failed build keeps the last error with its tail; the next success clears it", () => {
    const failed = run([
      [0, { type: "build.started", seq: 7, command: "go build", reason: "x" }],
      [
        90,
        {
          type: "build.finished",
          seq: 7,
          ok: false,
          exitCode: 2,
          signal: null,
          durationMs: 90,
          tail: ["main.go:3: undefined: x"],
        },
      ],
    ]);
    expect(failed.builds[0]).toMatchObject({ outcome: "failed", done: true, durationMs: 90 });
    expect(failed.lastError).toEqual({
      seq: 7,
      time: 90,
      exitCode: 2,
      signal: null,
      durationMs: 90,
      head: [],
      omitted: 0,
      tail: ["main.go:3: undefined: x"],
      links: [],
      serverPid: null,
    });
    expect(failed.status).toBe("build failed");
    expect(failed.reload).toBeNull();
    const fixed = run(
      [
        [200, { type: "build.started", seq: 8, command: "go build", reason: "x" }],
        [
          300,
          {
            type: "build.finished",
            seq: 8,
            ok: true,
            exitCode: 0,
            signal: null,
            durationMs: 100,
            tail: [],
          },
        ],
      ],
      failed,
    );
    expect(fixed.lastError).toBeNull();
  });

  test("a cancelled build is marked cancelled with its time so far", () => {
    const state = run([
      [0, { type: "build.started", seq: 3, command: "b", reason: "x" }],
      [120, { type: "build.cancelled", seq: 3, reason: "newer change" }],
    ]);
    expect(state.builds[0]).toMatchObject({ outcome: "cancelled", durationMs: 120, done: true });
  });

  test("keeps the last 50 builds and 20 change batches, each batch at most 50 files", () => {
    const steps: [number, EventInput][] = [];
    for (let seq = 1; seq <= MAX_BUILDS + 10; seq++) {
      steps.push([seq, { type: "build.started", seq, command: "b", reason: "r" }]);
    }
    const many = Array.from({ length: 80 }, (_, i) => ({
      path: `f${i}.go`,
      kind: "create" as const,
    }));
    for (let i = 0; i < MAX_CHANGE_BATCHES + 5; i++) {
      steps.push([i, { type: "changes", changes: many, fingerprint: null }]);
    }
    const state = run(steps);
    expect(state.builds).toHaveLength(MAX_BUILDS);
    expect(state.builds[0]!.seq).toBe(11);
    expect(state.changes).toHaveLength(MAX_CHANGE_BATCHES);
    expect(state.changes[0]!.files).toHaveLength(MAX_FILES_PER_BATCH);
    expect(state.changes[0]!.total).toBe(80);
  });

  test("a change batch records what it led to: the build it started, or why it was skipped", () => {
    const change = (path: string): EventInput => ({
      type: "changes",
      changes: [{ path, kind: "modify" }],
      fingerprint: null,
    });
    const state = run([
      [1, { type: "build.started", seq: 1, command: "b", reason: "start" }], // no batch yet
      [2, change("a.go")],
      [3, { type: "build.started", seq: 2, command: "b", reason: "a.go changed" }],
      [4, { type: "build.started", seq: 3, command: "b", reason: "rebuild requested" }],
      [5, change("b.go")],
      [6, { type: "build.skipped", reason: "the tree fingerprint equals the running build's" }],
      [7, change("c.go")],
    ]);
    expect(state.changes.map((c) => [c.files[0]!.path, c.outcome])).toEqual([
      ["a.go", "build #2"],
      ["b.go", "skipped: the tree fingerprint equals the running build's"],
      ["c.go", null],
    ]);
  });

  test("backoff ends at time + delay and clears when the phase moves on", () => {
    const inBackoff = run([
      [1000, { type: "process.started", pid: 5 }],
      [
        3000,
        {
          type: "process.exited",
          pid: 5,
          exitCode: 1,
          signal: null,
          requested: false,
          uptimeMs: 2000,
        },
      ],
      [3000, { type: "crash.backoff", attempt: 2, delayMs: 2000, exitCode: 1 }],
      [3000, { type: "phase", phase: "backoff", previous: "crashed" }],
    ]);
    expect(inBackoff.process).toBeNull();
    expect(inBackoff.health).toEqual({ status: "none" });
    expect(inBackoff.backoff).toEqual({ attempt: 2, delayMs: 2000, until: 5000 });
    const next = run(
      [[5000, { type: "phase", phase: "starting", previous: "backoff" }]],
      inBackoff,
    );
    expect(next.phase).toBe("starting");
    expect(next.backoff).toBeNull();
  });

  test("log lines and notices leave the state object untouched; the view hides reload marks", () => {
    const state = run(reloadOne);
    const after = reduceHistory(state, {
      type: "log",
      stream: "app",
      fd: "stdout",
      line: "hi",
      time: 1,
    });
    expect(after).toBe(state);
    expect("reload" in viewOf(state)).toBe(false);
  });

  test("engine.started and watch.ready are remembered", () => {
    const state = run([
      [
        0,
        {
          type: "engine.started",
          version: "1.0.0",
          root: "/p",
          pid: 9,
          build: null,
          exec: "bun x.ts",
        },
      ],
      [1, { type: "watch.ready", mode: "poll", dirs: 12, ms: 4 }],
      [2, { type: "health.failed", pid: 9, attempts: 3, error: "ECONNREFUSED" }],
    ]);
    expect(state.engine).toEqual({
      version: "1.0.0",
      root: "/p",
      pid: 9,
      build: null,
      exec: "bun x.ts",
    });
    expect(state.watch).toEqual({ mode: "poll", dirs: 12 });
    expect(state.health).toEqual({ status: "failed", pid: 9, attempts: 3, error: "ECONNREFUSED" });
  });
});

describe("the status the header shows", () => {
  const failed = (seq: number): EventInput => ({
    type: "build.finished",
    seq,
    ok: false,
    exitCode: 2,
    signal: null,
    durationMs: 50,
    tail: ["main.go:3:1: undefined: x"],
  });
  const phase = (p: Phase, previous: Phase = "idle"): EventInput => ({
    type: "phase",
    phase: p,
    previous,
  });
  const started: EventInput = {
    type: "engine.started",
    version: "1",
    root: "/p",
    pid: 1,
    build: "b",
    exec: "e",
  };
  const statusAfter = (steps: EventInput[]) =>
    run(steps.map((e, i) => [i, e] as [number, EventInput])).status;

  test.each([
    ["nothing yet", [], "starting"],
    ["a running server", [started, phase("running")], "running"],
    [
      "stopped by the user",
      [started, phase("running"), phase("stopping"), phase("idle")],
      "stopped",
    ],
    [
      "a failed build while the old server runs",
      [started, phase("running"), phase("building"), failed(2), phase("running", "building")],
      "build failed",
    ],
    [
      "a new build after a failure",
      [started, phase("building"), failed(2), phase("running"), phase("building")],
      "building",
    ],
    [
      "the fix restores the running build's bytes (skipped by fingerprint)",
      [
        started,
        phase("running"),
        failed(2),
        { type: "build.skipped", reason: "the tree fingerprint equals the running build's" },
      ],
      "running",
    ],
    ["a crash outranks the failure", [started, failed(2), phase("crashed")], "crashed"],
    ["backoff", [started, phase("backoff")], "backoff"],
    ["unhealthy", [started, phase("unhealthy")], "unhealthy"],
  ] as [string, EventInput[], string][])("%s → %s", (_name, steps, status) => {
    expect(statusAfter(steps)).toBe(status as never);
  });

  test("without a health check a new server is not 'checking'", () => {
    const none = reduceHistory(createHistory({ healthCheck: false }), {
      type: "process.started",
      pid: 5,
      time: 1,
    });
    expect(none.health).toEqual({ status: "none" });
    const some = reduceHistory(createHistory({ healthCheck: true }), {
      type: "process.started",
      pid: 5,
      time: 1,
    });
    expect(some.health).toEqual({ status: "checking", pid: 5 });
  });

  test("only the first build of a run is the initial one", () => {
    const state = run([
      [0, { type: "build.started", seq: 1, command: "b", reason: "start" }],
      [1, { type: "build.started", seq: 2, command: "b", reason: "x" }],
    ]);
    expect(state.builds.map((b) => b.initial)).toEqual([true, false]);
  });
});

describe("the server the header names, behind the proxy", () => {
  const started = (pid: number): EventInput => ({ type: "process.started", pid });
  const exited = (pid: number): EventInput => ({
    type: "process.exited",
    pid,
    exitCode: 1,
    signal: null,
    requested: false,
    uptimeMs: 5,
  });
  const healthy = (pid: number): EventInput => ({
    type: "health.ok",
    pid,
    attempts: 1,
    ms: 20,
    status: 200,
  });
  const steps = (events: EventInput[]) => events.map((e, i) => [i * 10, e] as [number, EventInput]);

  test("a candidate beside the serving one takes over when the old one drains", () => {
    const checking = run(steps([started(100), healthy(100), started(200)]));
    expect(checking.process?.pid).toBe(100);
    expect(checking.candidate?.pid).toBe(200);
    expect(checking.health).toEqual({ status: "checking", pid: 200 });
    const swapped = run(steps([healthy(200), { type: "process.draining", pid: 100 }]), checking);
    expect(swapped.process?.pid).toBe(200);
    expect(swapped.candidate).toBeNull();
    expect(swapped.health).toMatchObject({ status: "ok", pid: 200 });
    // The drained one's exit changes nothing more.
    expect(run(steps([exited(100)]), swapped).process?.pid).toBe(200);
  });

  test("a candidate that exits leaves the serving one named, with its health", () => {
    const state = run(steps([started(100), healthy(100), started(200), exited(200)]));
    expect(state.process?.pid).toBe(100);
    expect(state.candidate).toBeNull();
    expect(state.health).toMatchObject({ status: "ok", pid: 100 });
  });

  test("without the proxy the old one exits first: one server at a time", () => {
    const state = run(steps([started(100), exited(100), started(200)]));
    expect(state.process?.pid).toBe(200);
    expect(state.candidate).toBeNull();
  });
});
