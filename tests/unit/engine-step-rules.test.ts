import { describe, expect, test } from "bun:test";
import { compileRules, type RuleConfig, rulesWithLiveCss } from "../../src/engine/rules.ts";
import type { EngineInput, EngineSettings } from "../../src/engine/types.ts";
import {
  buildFail,
  buildOk,
  engine,
  exited,
  healthy,
  SETTINGS,
  unhealthy,
} from "../helpers/engine-harness.ts";

const RULES: RuleConfig[] = [
  { match: ["views/**"], action: "restart", run: null },
  { match: ["public/**"], action: "reload", run: null },
  { match: ["tmp/**"], action: "ignore", run: null },
  { match: ["**/*.templ"], action: "rebuild", run: { command: "templ generate", timeout: null } },
  { match: ["**/*.sql"], action: "rebuild", run: { command: "sqlc generate", timeout: 5000 } },
];

const withRules = (settings: Partial<EngineSettings> = {}) =>
  engine({ rules: compileRules(RULES), ...settings });

const batch = (paths: string[], fingerprint: string | null = "fp2"): EngineInput => ({
  type: "changes",
  changes: paths.map((path) => ({ path, kind: "modify" })),
  fingerprint,
});

const hookDone = (id: number, ok = true, tail: string[] = []): EngineInput => ({
  type: "hookDone",
  id,
  ok,
  exitCode: ok ? 0 : 1,
  signal: null,
  durationMs: 20,
  tail,
});

const hooks = (partial: Partial<EngineSettings["hooks"]>): Partial<EngineSettings> => ({
  hooks: { ...SETTINGS.hooks, ...partial },
});

describe("engine step: rules decide what a batch triggers", () => {
  test("a restart-only batch swaps the server without a build, and says which rule fired", () => {
    const e = withRules().running(100);
    e.send(batch(["views/index.hbs"]));
    expect(e.event("rules.applied")).toMatchObject({
      action: "restart",
      hits: [{ path: "views/index.hbs", action: "restart", rule: 0, match: "views/**" }],
    });
    expect(e.kinds).not.toContain("startBuild");
    expect(e.find("stopChild")?.reason).toBe("restart");
    e.send(exited(100, 0)).started(101);
    expect(e.event("reload.done")).toMatchObject({ action: "restart", files: 1 });
  });

  test("a restart-only batch during a build waits for its swap; if the build fails, the running server restarts", () => {
    const e = withRules()
      .running(100)
      .send(batch(["main.go"]));
    e.send(batch(["views/index.hbs"]));
    expect(e.kinds).toEqual(["emit:rules.applied"]);
    e.send(buildFail(2));
    expect(e.find("stopChild")).toEqual({ type: "stopChild", id: e.idOf(100), reason: "restart" });
    e.send(exited(100, 0)).started(101);
    expect(e.event("reload.done")?.action).toBe("restart");
  });

  test("a restart-only batch during a build that succeeds: the build's swap covers it, one restart", () => {
    const e = withRules()
      .running(100)
      .send(batch(["main.go"]))
      .send(batch(["views/a.hbs"]));
    e.send(buildOk(2));
    expect(e.find("stopChild")?.reason).toBe("swap");
    e.send(exited(100, 0)).started(101);
    expect(e.kinds).not.toContain("stopChild");
    expect(e.state.pending).toBeNull();
  });

  test("a reload-only batch reloads the browsers: no build, no restart", () => {
    const e = withRules().running(100);
    e.send(batch(["public/app.css"]));
    expect(e.kinds).toEqual(["emit:rules.applied", "emit:browser.reload", "reloadBrowsers"]);
    expect(e.find("reloadBrowsers")?.paths).toEqual(["public/app.css"]);
  });

  test("a reload-only batch while a candidate starts: the swap reloads when ready; if it fails, the pages reload on the old server", () => {
    const e = withRules({ swap: "overlap" }).running(100).send(healthy(100));
    e.send(batch(["main.go"]))
      .send(buildOk(2))
      .started(101);
    e.send(batch(["public/app.css"]));
    expect(e.kinds).toEqual(["emit:rules.applied"]);
    expect(e.state.candidate?.pid).toBe(101);
    e.send(healthy(101));
    expect(e.kinds).toContain("emit:reload.done");
    expect(e.kinds).not.toContain("reloadBrowsers");

    e.send(batch(["main.go"], "fp3"))
      .send(buildOk(3))
      .started(102);
    e.send(batch(["public/app.css"], "fp3"));
    e.send(unhealthy(102));
    expect(e.kinds).toContain("emit:swap.failed");
    expect(e.kinds).toContain("reloadBrowsers");
    expect(e.state.active?.pid).toBe(101);
  });

  test("an ignore rule really ignores: nothing happens, and its files do not count in a mixed batch", () => {
    const e = withRules().running(100);
    e.send(batch(["tmp/cache.json"]));
    expect(e.kinds).toEqual(["emit:rules.applied"]);
    expect(e.event("rules.applied")?.action).toBe("ignore");
    e.send(batch(["tmp/a", "views/x.hbs"]));
    expect(e.find("stopChild")?.reason).toBe("restart");
  });

  test("rule precedence: the first match wins per file; the strongest action wins per batch", () => {
    const e = engine({
      rules: compileRules([
        { match: ["views/**"], action: "restart", run: null },
        { match: ["**/*.html"], action: "reload", run: null },
      ]),
    }).running(100);
    e.send(batch(["views/page.html"]));
    expect(e.find("stopChild")?.reason).toBe("restart");
    e.send(exited(100, 0)).started(101);
    e.send(batch(["static/page.html", "views/a.html", "main.go"], "fp3"));
    expect(e.event("rules.applied")?.action).toBe("rebuild");
    expect(e.find("startBuild")).toBeDefined();
  });
});

describe("engine step: a rule's run", () => {
  test("runs once per batch before the build, with the files it matched; the build follows its success", () => {
    const e = withRules().running(100);
    e.send(batch(["a.templ", "b.templ", "main.go"]));
    const run = e.find("runHook");
    expect(run).toMatchObject({ hook: "run", command: "templ generate" });
    expect(run?.env.HOTRELOAD_CHANGED_FILES).toBe("a.templ\nb.templ");
    expect(e.kinds.filter((k) => k === "runHook")).toHaveLength(1);
    expect(e.kinds).not.toContain("startBuild");
    expect(e.state.phase).toBe("building");
    e.send(hookDone(run?.id ?? 0));
    expect(e.event("hook.finished")).toMatchObject({ ok: true, hook: "run", timedOut: false });
    expect(e.find("startBuild")?.seq).toBe(2);
  });

  test("several rules' runs go one at a time, in rule order", () => {
    const e = withRules().running(100);
    e.send(batch(["q.sql", "x.templ"]));
    expect(e.find("runHook")?.command).toBe("templ generate");
    e.send(hookDone(e.find("runHook")?.id ?? 0));
    expect(e.find("runHook")?.command).toBe("sqlc generate");
    expect(e.kinds).not.toContain("startBuild");
    e.send(hookDone(e.find("runHook")?.id ?? 0));
    expect(e.kinds).toContain("startBuild");
  });

  test("a failing run stops the action: no build, the old server keeps running, reported like a failed build", () => {
    const e = withRules().running(100);
    e.send(batch(["x.templ"]));
    const id = e.find("runHook")?.id ?? 0;
    e.send(hookDone(id, false, ["x.templ:3:1: unexpected token"]));
    expect(e.event("hook.finished")).toMatchObject({ ok: false, exitCode: 1 });
    expect(e.find("notify")).toMatchObject({
      kind: "build-failed",
      title: "`templ generate` failed",
      body: "x.templ:3:1: unexpected token",
    });
    expect(e.kinds).not.toContain("startBuild");
    expect(e.kinds).not.toContain("stopChild");
    expect(e.state.active?.pid).toBe(100);
    expect(e.state.phase).toBe("running");
  });

  test("a run that outlives its timeout is stopped and fails; its late end changes nothing", () => {
    const e = withRules().running(100, "fp1");
    e.send(batch(["q.sql"]), 1000);
    const id = e.find("runHook")?.id ?? 0;
    expect(e.find("schedule")).toEqual({ type: "schedule", name: `hook:${id}`, ms: 5000 });
    e.send({ type: "timer", name: `hook:${id}` }, 6000);
    expect(e.find("cancelHook")).toEqual({ type: "cancelHook", id });
    expect(e.event("hook.finished")).toMatchObject({ ok: false, timedOut: true, durationMs: 5000 });
    expect(e.find("notify")?.body).toBe("timed out after 5s");
    expect(e.kinds).not.toContain("startBuild");
    e.send(hookDone(id, false));
    expect(e.effects).toEqual([]);
    expect(e.state.hooks).toEqual([]);
  });

  test("a batch during a run joins it: a file of the same rule runs it again, other files wait for it", () => {
    const e = withRules().running(100);
    e.send(batch(["x.templ"]));
    const first = e.find("runHook")?.id ?? 0;
    e.send(batch(["main.go"], "fp3"));
    expect(e.kinds).toEqual([]);
    e.send(batch(["y.templ"], "fp4"));
    expect(e.find("cancelHook")?.id).toBe(first);
    const second = e.find("runHook");
    expect(second?.env.HOTRELOAD_CHANGED_FILES).toBe("x.templ\ny.templ");
    e.send(hookDone(first, false)); // the cancelled one ending
    expect(e.effects).toEqual([]);
    e.send(hookDone(second?.id ?? 0));
    expect(e.find("startBuild")).toBeDefined();
    expect(e.state.build?.fingerprint).toBe("fp4");
    expect(e.state.build?.files).toBe(3);
  });
});

/** Start → (before_build) → build → (after_build) → pid 100 running; after_ready is left to the test. */
function serving(settings: Partial<EngineSettings>) {
  const e = engine(settings);
  const passBuildHooks = () => {
    for (const x of e.effects)
      if (x.type === "runHook" && x.hook !== "after_ready") return e.send(hookDone(x.id));
    return e;
  };
  e.send({ type: "start" });
  passBuildHooks();
  e.send(buildOk(1));
  passBuildHooks();
  return e.started(100);
}

describe("engine step: hooks", () => {
  const hook = (command: string, timeoutMs = 60_000) => ({ command, timeoutMs });

  test("before_build runs first with the changed files and the build's seq; the command follows", () => {
    const e = serving(hooks({ before_build: hook("sqlc generate") }));
    e.send(batch(["query.sql"]));
    expect(e.kinds).toContain("emit:build.started");
    expect(e.kinds).not.toContain("startBuild");
    const run = e.find("runHook");
    expect(run?.env).toMatchObject({
      HOTRELOAD_HOOK: "before_build",
      HOTRELOAD_CHANGED_FILES: "query.sql",
      HOTRELOAD_BUILD_SEQ: "2",
    });
    e.send(hookDone(run?.id ?? 0));
    expect(e.find("startBuild")?.seq).toBe(2);
  });

  test("a failing before_build fails the build: the command never runs, the old server keeps serving", () => {
    const e = serving(hooks({ before_build: hook("sqlc generate") }));
    e.send(batch(["query.sql"]));
    e.send(hookDone(e.find("runHook")?.id ?? 0, false, ["query.sql:1: syntax error"]));
    expect(e.event("build.finished")).toMatchObject({ ok: false, hook: "before_build" });
    expect(e.find("notify")).toMatchObject({ title: "before_build hook failed" });
    expect(e.kinds).not.toContain("startBuild");
    expect(e.kinds).not.toContain("stopChild");
    expect(e.state.phase).toBe("running");
  });

  test("a change during before_build cancels the hook (its group), not a build that never started", () => {
    const e = serving(hooks({ before_build: hook("gen") }));
    e.send(batch(["a.go"]));
    const id = e.find("runHook")?.id;
    e.send(batch(["b.go"], "fp3"));
    expect(e.find("cancelHook")?.id).toBe(id);
    expect(e.kinds).not.toContain("cancelBuild");
    expect(e.find("runHook")?.env.HOTRELOAD_CHANGED_FILES).toBe("a.go\nb.go");
  });

  test("after_build runs before the swap; build.finished waits for it; its failure keeps the server", () => {
    const e = serving(hooks({ after_build: hook("codesign bin/app") }));
    e.send(batch(["main.go"])).send(buildOk(2));
    expect(e.kinds).not.toContain("emit:build.finished");
    expect(e.kinds).not.toContain("stopChild");
    e.send(hookDone(e.find("runHook")?.id ?? 0));
    expect(e.event("build.finished")?.ok).toBe(true);
    expect(e.find("stopChild")?.reason).toBe("swap");

    e.send(exited(100, 0)).started(101);
    e.send(batch(["main.go"], "fp3")).send(buildOk(3));
    e.send(hookDone(e.find("runHook")?.id ?? 0, false));
    expect(e.event("build.finished")).toMatchObject({ ok: false, hook: "after_build" });
    expect(e.kinds).not.toContain("stopChild");
  });

  test("after_ready runs once per good swap, with the new server's pid", () => {
    const e = serving(hooks({ after_ready: hook("./warm.sh") }));
    const first = e.find("runHook");
    expect(first?.env).toMatchObject({ HOTRELOAD_HOOK: "after_ready", HOTRELOAD_PID: "100" });
    e.send(hookDone(first?.id ?? 0));
    e.send(batch(["main.go"])).send(buildFail(2));
    expect(e.kinds).not.toContain("runHook");
    e.send(batch(["main.go"], "fp3"))
      .send(buildOk(3))
      .send(exited(100, 0))
      .started(101);
    const runs = e.effects.filter((x) => x.type === "runHook");
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      env: { HOTRELOAD_PID: "101", HOTRELOAD_CHANGED_FILES: "main.go" },
    });
  });

  test("on_crash runs when the server crashes, with its pid and exit code", () => {
    const e = serving(hooks({ on_crash: hook("./report.sh") }));
    e.send(exited(100, 3));
    expect(e.find("runHook")?.env).toMatchObject({
      HOTRELOAD_HOOK: "on_crash",
      HOTRELOAD_PID: "100",
      HOTRELOAD_EXIT_CODE: "3",
    });
  });

  test("quit while a hook runs stops it, and exits once it has ended", () => {
    const e = serving(hooks({ before_build: hook("sleep 100") }));
    e.send(batch(["a.go"]));
    const id = e.find("runHook")?.id ?? 0;
    e.send({ type: "command", command: "quit" });
    expect(e.find("cancelHook")?.id).toBe(id);
    expect(e.kinds).not.toContain("cancelBuild");
    e.send(exited(100, 0));
    expect(e.kinds).not.toContain("exit");
    e.send(hookDone(id, false));
    expect(e.find("exit")).toEqual({ type: "exit", code: 0 });
  });
});

test("stop while a rule's command runs stops it, and its batch does not start the server again", () => {
  const e = withRules().running(100);
  e.send(batch(["x.templ"]));
  const id = e.find("runHook")?.id ?? 0;
  e.send({ type: "command", command: "stop" });
  expect(e.find("cancelHook")?.id).toBe(id);
  e.send(exited(100, 0));
  e.send(hookDone(id));
  expect(e.effects).toEqual([]);
  expect(e.state.phase).toBe("stopped");
});

test("after_ready also follows the first start of a server without a build, not a crash restart", () => {
  const e = engine({
    hasBuild: false,
    buildCommand: null,
    hooks: { ...SETTINGS.hooks, after_ready: { command: "./warm.sh", timeoutMs: 1000 } },
  });
  e.send({ type: "start" }).started(5);
  expect(e.find("runHook")?.env).toMatchObject({
    HOTRELOAD_HOOK: "after_ready",
    HOTRELOAD_PID: "5",
  });
  e.send(hookDone(e.find("runHook")?.id ?? 0));
  e.send(exited(5, 1)).send({ type: "timer", name: "backoff" }).started(6);
  expect(e.kinds).not.toContain("runHook");
});

describe("engine step: live_reload.css (stylesheets swapped in place)", () => {
  const liveCss = (enabled = true) =>
    engine({
      rules: compileRules(
        rulesWithLiveCss({
          rules: RULES,
          proxy: { enabled },
          live_reload: { enabled: true, css: ["**/*.css"] },
        }),
      ),
    });

  const cases: { name: string; paths: string[]; css: boolean | null; build: boolean }[] = [
    {
      name: "only stylesheets: pages swap them, no build",
      paths: ["static/a.css", "b.css"],
      css: true,
      build: false,
    },
    {
      name: "a user's reload rule for stylesheets: still swapped in place",
      paths: ["public/app.css"],
      css: true,
      build: false,
    },
    {
      name: "a stylesheet and a source file: a rebuild",
      paths: ["static/a.css", "main.go"],
      css: null,
      build: true,
    },
  ];
  for (const c of cases)
    test(c.name, () => {
      const e = liveCss().running(100);
      e.send(batch(c.paths));
      expect(e.kinds.includes("startBuild")).toBe(c.build);
      expect(e.kinds).not.toContain("stopChild");
      const effect = e.find("reloadBrowsers");
      expect(effect ? effect.css : null).toBe(c.css);
    });

  test("during a build a stylesheet applies at once (the running server serves it)", () => {
    const e = liveCss()
      .running(100)
      .send(batch(["main.go"]));
    e.send(batch(["static/a.css"]));
    expect(e.find("reloadBrowsers")).toEqual({
      type: "reloadBrowsers",
      paths: ["static/a.css"],
      css: true,
    });
    expect(e.state.pending).toBeNull();
  });

  test("a user's restart rule for stylesheets wins: a restart, no swap in place", () => {
    const e = engine({
      rules: compileRules(
        rulesWithLiveCss({
          rules: [{ match: ["theme/**"], action: "restart", run: null }],
          proxy: { enabled: true },
          live_reload: { enabled: true, css: ["**/*.css"] },
        }),
      ),
    }).running(100);
    e.send(batch(["theme/a.css"]));
    expect(e.find("stopChild")?.reason).toBe("restart");
    expect(e.kinds).not.toContain("reloadBrowsers");
  });

  test("without the proxy a stylesheet is a file like any other", () => {
    const e = liveCss(false).running(100);
    e.send(batch(["static/a.css"]));
    expect(e.kinds).toContain("startBuild");
    expect(e.kinds).not.toContain("reloadBrowsers");
  });
});
