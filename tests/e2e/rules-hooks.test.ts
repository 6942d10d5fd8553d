/**
 * Rules and hooks end to end, with real processes: a view edit restarts without a build
 * (a build counter proves it), an ignore rule ignores, a rule's generator runs before the
 * build and its output is what gets built, a failing generator keeps the old server,
 * after_ready runs once per good swap, hooks get the changed files, and a hook that
 * outlives its timeout or runs at quit is stopped with its whole group.
 */
import { expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { waitUntil } from "../helpers/dashboard-harness.ts";
import { startHotreload } from "../helpers/hotreload-process.ts";
import { waitAllDead } from "../helpers/run-processes.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const lines = (path: string) =>
  existsSync(path) ? readFileSync(path, "utf8").split("\n").filter(Boolean) : [];

/** The text of a file a process writes, once it is there. */
const fileText = (path: string) =>
  waitUntil(
    () => (existsSync(path) ? readFileSync(path, "utf8").trim() : null),
    () => `${path} was not written`,
  );

test("a view edit restarts without a build; an ignore rule ignores; a source edit still builds", async () => {
  using dir = tempDir();
  dir.write("main.go", "package main // v1\n");
  dir.write("views/index.txt", "view v1\n");
  dir.write("tmp/cache.go", "package tmp // 1\n");
  dir.write("app.sh", 'echo "serving $(cat views/index.txt)"; exec sleep 300\n');
  dir.write(
    ".hotreload.yaml",
    [
      "build: echo built >> builds.txt",
      "exec: sh app.sh",
      "ext: [.go]",
      "rules:",
      "  - { match: views/**, action: restart }",
      "  - { match: tmp/**, action: ignore }",
      "  - { match: public/**, action: reload }",
      "",
    ].join("\n"),
  );
  dir.write("public/app.css", "p { color: red }\n");
  const builds = join(dir.path, "builds.txt");
  await using hr = startHotreload([], { cwd: dir.path });
  await hr.waitFor("log", (e) => e.line === "serving view v1");
  await hr.waitFor("reload.done");

  // views/ is outside ext: the rule alone makes it watched.
  dir.write("views/index.txt", "view v2\n");
  const done = await hr.waitFor("reload.done", (e) => e.action === "restart");
  expect(done.files).toBe(1);
  await hr.waitFor("log", (e) => e.line === "serving view v2");
  const applied = await hr.waitFor("rules.applied", (e) => e.action === "restart");
  expect(applied.hits).toEqual([
    { path: "views/index.txt", action: "restart", rule: 0, match: "views/**" },
  ]);
  expect(hr.count("build.started")).toBe(1);
  expect(lines(builds)).toEqual(["built"]);

  // A reload rule without the proxy's live reload: said once at start; the edit is only reported.
  expect(hr.stderr.join("\n")).toContain("reload rules (public/**) reload browser pages only");
  const running = hr.count("process.started");
  dir.write("public/app.css", "p { color: blue }\n");
  const reloaded = await hr.waitFor("browser.reload");
  expect(reloaded.paths).toEqual(["public/app.css"]);
  expect(hr.count("process.started")).toBe(running);

  dir.write("tmp/cache.go", "package tmp // 2\n");
  await hr.waitFor("rules.applied", (e) => e.action === "ignore");
  const started = hr.count("process.started");
  dir.write("main.go", "package main // v2\n");
  await hr.waitFor("reload.done", (e) => e.action === "rebuild" && e.files === 1);
  // The ignored edit built nothing and restarted nothing; the source edit did both, once.
  expect(hr.count("build.started")).toBe(2);
  expect(hr.count("process.started")).toBe(started + 1);
  expect(lines(builds)).toEqual(["built", "built"]);
}, 60_000);

test("a rule's generator runs before the build and its output is built; a failing one keeps the old server; hooks get the changed files; after_ready once per good swap", async () => {
  using dir = tempDir();
  dir.write("page.tpl", "page v1\n");
  dir.write(
    "gen.sh",
    [
      'echo "gen: $HOTRELOAD_CHANGED_FILES" >> hooks.txt',
      'if grep -q BROKEN page.tpl; then echo "page.tpl:1:1: unexpected BROKEN" >&2; exit 3; fi',
      "cp page.tpl gen.out",
      "",
    ].join("\n"),
  );
  dir.write("app.sh", 'echo "serving $(cat built.txt)"; exec sleep 300\n');
  dir.write(
    ".hotreload.yaml",
    [
      "build: cp gen.out built.txt && echo built >> builds.txt",
      "exec: sh app.sh",
      "ext: [.go]",
      "rules:",
      '  - { match: "*.tpl", run: sh gen.sh }',
      "hooks:",
      `  before_build: 'echo "before: seq=$HOTRELOAD_BUILD_SEQ files=$HOTRELOAD_CHANGED_FILES service=$HOTRELOAD_SERVICE" >> hooks.txt'`,
      `  after_ready: 'echo "ready $HOTRELOAD_PID" >> ready.txt'`,
      "",
    ].join("\n"),
  );
  dir.write("gen.out", "page v1\n");
  const ready = join(dir.path, "ready.txt");
  await using hr = startHotreload([], { cwd: dir.path });
  await hr.waitFor("log", (e) => e.line === "serving page v1");
  await hr.waitFor("hook.finished", (e) => e.hook === "after_ready");

  dir.write("page.tpl", "page v2\n");
  await hr.waitFor("log", (e) => e.line === "serving page v2");
  await hr.waitFor("hook.finished", (e) => e.hook === "after_ready", 20_000, 0);
  const generated = await hr.waitFor("hook.finished", (e) => e.hook === "run");
  expect(generated).toMatchObject({ ok: true, command: "sh gen.sh", rule: 0 });

  // A broken template: the generator fails, nothing is built, the old server keeps serving.
  const before = hr.events.length;
  const builds = hr.count("build.started");
  dir.write("page.tpl", "page BROKEN\n");
  const failed = await hr.waitFor("hook.finished", (e) => e.hook === "run" && !e.ok);
  expect(failed.exitCode).toBe(3);
  expect(failed.tail).toContain("page.tpl:1:1: unexpected BROKEN");
  expect(hr.count("build.started")).toBe(builds);
  expect(hr.events.slice(before).some((e) => e.type === "process.stopping")).toBe(false);

  dir.write("page.tpl", "page v3\n");
  await hr.waitFor("log", (e) => e.line === "serving page v3");
  const swaps = () => hr.events.filter((e) => e.type === "reload.done").length;
  await hr.waitFor(
    "hook.finished",
    () =>
      hr.events.filter((e) => e.type === "hook.finished" && e.hook === "after_ready").length ===
      swaps(),
  );

  const pids = hr.events.flatMap((e) => (e.type === "process.started" ? [`ready ${e.pid}`] : []));
  expect(lines(ready)).toEqual(pids);
  expect(pids).toHaveLength(3);
  const hooks = lines(join(dir.path, "hooks.txt"));
  expect(hooks).toEqual([
    "before: seq=1 files= service=default",
    "gen: page.tpl",
    "before: seq=2 files=page.tpl service=default",
    "gen: page.tpl",
    "gen: page.tpl",
    "before: seq=3 files=page.tpl service=default",
  ]);
}, 60_000);

test("a run that outlives its timeout is stopped with its whole group and fails; the server keeps running", async () => {
  using dir = tempDir();
  dir.write("app.sh", 'echo "serving"; exec sleep 300\n');
  dir.write("slow.sh", "sleep 300 &\necho $! > child.pid\nwait\n");
  dir.write("x.gen", "1\n");
  dir.write(
    ".hotreload.yaml",
    [
      "exec: sh app.sh",
      "ext: [.go]",
      "rules:",
      '  - { match: "*.gen", run: { command: sh slow.sh, timeout: 300ms } }',
      "",
    ].join("\n"),
  );
  await using hr = startHotreload([], { cwd: dir.path });
  await hr.waitFor("log", (e) => e.line === "serving");
  dir.write("x.gen", "2\n");
  const child = Number(await fileText(join(dir.path, "child.pid")));
  const finished = await hr.waitFor("hook.finished", (e) => e.hook === "run");
  expect(finished).toMatchObject({ ok: false, timedOut: true });
  expect(finished.durationMs).toBeGreaterThanOrEqual(300);
  await waitAllDead([child], 5000);
  expect(hr.count("process.stopping")).toBe(0);
  expect(hr.count("process.started")).toBe(1);
}, 60_000);

test("quit while a hook runs stops it (its whole group) before hotreload exits", async () => {
  using dir = tempDir();
  dir.write("hook.sh", "sleep 300 &\necho $! > child.pid\nwait\n");
  dir.write(
    ".hotreload.yaml",
    "build: echo built\nexec: sleep 300\nhooks:\n  before_build: sh hook.sh\n",
  );
  await using hr = startHotreload([], { cwd: dir.path });
  const child = Number(await fileText(join(dir.path, "child.pid")));
  hr.proc.kill("SIGTERM");
  expect(await hr.exited).toBe(0);
  await waitAllDead([child], 2000);
}, 60_000);

test("what a rule's generator writes joins its batch: one build per edit, also without an ignore rule", async () => {
  using dir = tempDir();
  dir.write("page.tpl", "v1\n");
  dir.write("page_gen.go", "package main // v1\n");
  dir.write("app.sh", 'echo "serving $(cat built.txt)"; exec sleep 300\n');
  dir.write(
    ".hotreload.yaml",
    [
      "build: cp page_gen.go built.txt",
      "exec: sh app.sh",
      "ext: [.go]",
      "rules:",
      `  - { match: "*.tpl", run: 'echo "package main // $(cat page.tpl)" > page_gen.go' }`,
      "",
    ].join("\n"),
  );
  await using hr = startHotreload([], { cwd: dir.path });
  await hr.waitFor("log", (e) => e.line === "serving package main // v1");
  dir.write("page.tpl", "v2\n");
  await hr.waitFor("log", (e) => e.line === "serving package main // v2");
  const done = await hr.waitFor("reload.done", (e) => e.files > 0);
  expect(done.files).toBe(2);
  expect(hr.count("build.started")).toBe(2);
  expect(hr.count("build.cancelled")).toBe(0);
}, 60_000);
