import { describe, expect, test } from "bun:test";
import { osc8 } from "../../src/events/hyperlinks.ts";
import { CLEAR_SCREEN, createPrettySink, type PrettyOptions } from "../../src/events/pretty.ts";
import type { Event, EventInput } from "../../src/events/types.ts";

const T0 = new Date(2024, 0, 2, 3, 4, 5, 6).getTime();

function sink(options: Partial<PrettyOptions> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const emit = createPrettySink({
    color: false,
    quiet: false,
    timestamps: false,
    debug: false,
    clear: false,
    keysHint: false,
    out: { write: (t: string) => out.push(t) },
    err: { write: (t: string) => err.push(t) },
    ...options,
  });
  return {
    out,
    err,
    send: (...events: EventInput[]) => {
      for (const e of events) emit({ ...e, time: T0 } as Event);
    },
  };
}

const started: EventInput = {
  type: "engine.started",
  version: "1.2.3",
  root: "/p",
  pid: 1,
  build: "b",
  exec: "e",
};
const build = (seq: number): EventInput => ({
  type: "build.started",
  seq,
  command: "b",
  reason: "x",
});
const buildLine = (line: string, fd: "stdout" | "stderr" = "stderr"): EventInput => ({
  type: "log",
  stream: "build",
  fd,
  line,
});
const failed: EventInput = {
  type: "build.finished",
  seq: 2,
  ok: false,
  exitCode: 1,
  signal: null,
  durationMs: 7,
  tail: [],
};
const ok: EventInput = { ...failed, ok: true, exitCode: 0 } as EventInput;
const appLine = (line: string): EventInput => ({ type: "log", stream: "app", fd: "stdout", line });
const reload = (seq: number, files: number): EventInput => ({
  type: "reload.done",
  seq,
  files,
  timing: { build: 412, stop: 30, start: 8, healthy: 120 },
});

describe("pretty sink", () => {
  test("a reload whose health check failed still gets its summary line, with the failure", () => {
    const s = sink();
    s.send(started, build(1), ok, reload(1, 0));
    s.send({ type: "changes", changes: [{ path: "app.ts", kind: "modify" }], fingerprint: null });
    s.send(build(2), ok, {
      type: "reload.done",
      seq: 2,
      files: 1,
      timing: { build: 412, stop: 30, start: 8 },
      unhealthy: "GET http://localhost:8080/ answered 404 Not Found (after 3 attempts)",
    });
    expect(s.err.at(-1)).toBe(
      "hotreload ✗ app.ts changed · built in 412 ms · swapped in 38 ms · unhealthy: GET http://localhost:8080/ answered 404 Not Found (after 3 attempts)\n",
    );
  });

  test("a clean exit (code 0) is not a crash: said as exited, with what happens next", () => {
    const s = sink();
    s.send(started, {
      type: "process.exited",
      pid: 7,
      exitCode: 0,
      signal: null,
      requested: false,
      uptimeMs: 1500,
    });
    s.send({ type: "phase", phase: "exited", previous: "running" });
    expect(s.err.slice(-2)).toEqual([
      "hotreload server exited (0) after 1.5 s\n",
      "hotreload waiting for a change (`restart: always` would restart it after a clean exit)\n",
    ]);
    s.send({ type: "crash.backoff", attempt: 1, delayMs: 1000, exitCode: 0 });
    expect(s.err.at(-1)).toBe("hotreload exited (0), restarting in 1.0 s\n");
    s.send({ type: "crash.backoff", attempt: 2, delayMs: 2000, exitCode: 3 });
    expect(s.err.at(-1)).toBe("hotreload crashed (exit 3), restarting in 2.0 s\n");
  });

  test("a reload is one line naming the file; build output of a good build is not shown", () => {
    const s = sink();
    s.send(started, build(1), buildLine("Bundled 1 module"), ok, reload(1, 0));
    s.send({ type: "changes", changes: [{ path: "app.ts", kind: "modify" }], fingerprint: null });
    s.send(build(2), buildLine("Bundled 1 module"), ok, reload(2, 1));
    expect(s.err).toEqual([
      "hotreload v1.2.3 watching /p\n",
      "hotreload ✓ ready · built in 412 ms · swapped in 38 ms · healthy in 120 ms\n",
      "hotreload ✓ app.ts changed · built in 412 ms · swapped in 38 ms · healthy in 120 ms\n",
    ]);
  });

  test("several files: the count and the first names", () => {
    const s = sink();
    s.send(reload(1, 0));
    s.send({
      type: "changes",
      changes: ["a.ts", "b.ts", "c.ts"].map((path) => ({ path, kind: "modify" as const })),
      fingerprint: null,
    });
    s.send(reload(2, 3));
    expect(s.err.at(-1)).toStartWith("hotreload ✓ 3 files changed (a.ts, b.ts +1) · built in");
  });

  test("a failed build shows its output, error lines in red, file references as links", () => {
    const s = sink({ color: true, links: { cwd: "/p", exists: () => true } });
    s.send({ type: "process.started", pid: 9 }, build(2));
    s.send(buildLine("# example.com/svc"), buildLine("./main.go:2:15: x declared and not used"));
    s.send(failed);
    const text = s.err.join("");
    expect(text).toContain("✗ build failed");
    expect(text).toContain("the previous server keeps running");
    expect(text).toContain(
      `\x1b[31m${osc8("file:///p/main.go", "./main.go:2:15")}: x declared and not used\x1b[0m`,
    );
    expect(text).toContain("build │\x1b[0m # example.com/svc\n");
  });

  test("with no server running, a failed build does not claim one keeps running", () => {
    const s = sink();
    s.send(build(1), buildLine("error: nope"), failed);
    expect(s.err.join("")).not.toContain("keeps running");
    expect(s.err.join("")).toContain("build │ error: nope");
  });

  test("no colour, no links: not one escape code in our lines; the app's bytes untouched", () => {
    const s = sink({ links: null });
    s.send(started, { type: "process.started", pid: 9 }, build(2), buildLine("a.go:1:1: bad"));
    s.send(failed, appLine("\x1b[31mred from the app\x1b[0m"), reload(3, 0));
    expect(s.err.join("")).not.toContain("\x1b");
    expect(s.out).toEqual(["\x1b[31mred from the app\x1b[0m\n"]);
  });

  test("--quiet: only errors and the app's output", () => {
    const s = sink({ quiet: true });
    s.send(started, build(1), ok, reload(1, 0), appLine("app says hi"));
    s.send({ type: "notice", level: "info", tag: "x", message: "fyi" });
    expect(s.err).toEqual([]);
    s.send({ type: "process.started", pid: 9 }, build(2), buildLine("error: nope"), failed);
    s.send({ type: "crash.backoff", attempt: 1, delayMs: 1000, exitCode: 1 });
    expect(s.err.join("")).toContain("build failed");
    expect(s.err.join("")).toContain("build │ error: nope");
    expect(s.err.join("")).toContain("restarting in 1.0 s");
    expect(s.out).toEqual(["app says hi\n"]);
  });

  test("--timestamps: our lines start with the local time, the app's do not", () => {
    const s = sink({ timestamps: true });
    s.send(started, appLine("plain"));
    expect(s.err).toEqual(["03:04:05.006 hotreload v1.2.3 watching /p\n"]);
    expect(s.out).toEqual(["plain\n"]);
  });

  test("--clear clears before each build but the first, and only on a terminal", () => {
    const tty = sink({ clear: true, tty: true });
    tty.send(build(1), ok, build(2));
    expect(tty.err.filter((t) => t === CLEAR_SCREEN)).toHaveLength(1);
    // The clear, then the new build's status line.
    expect(tty.err.indexOf(CLEAR_SCREEN)).toBe(tty.err.length - 2);
    expect(tty.err.at(-1)).toContain("⋯ building · x");
    const pipe = sink({ clear: true, tty: false });
    pipe.send(build(1), ok, build(2));
    expect(pipe.err).not.toContain(CLEAR_SCREEN);
  });

  test("long build output is bounded: the last lines and a count of the rest", () => {
    const s = sink();
    s.send(build(1));
    for (let i = 0; i < 250; i++) s.send(buildLine(`line ${i}`));
    s.send(failed);
    const text = s.err.join("");
    expect(text).toContain("… 50 earlier lines not shown");
    expect(text).not.toContain("line 49\n");
    expect(text).toContain("line 50\n");
    expect(text).toContain("line 249\n");
  });

  test("debug shows build output live and the reasons, and does not repeat it on failure", () => {
    const s = sink({ debug: true });
    s.send({ type: "changes", changes: [{ path: "a.go", kind: "create" }], fingerprint: null });
    s.send(build(2), buildLine("oops"), failed);
    const text = s.err.join("");
    expect(text).toContain("changed: a.go (create)");
    expect(text.match(/build │ oops/g)).toHaveLength(1);
  });

  test("a terminal shows a building line, erased when the build ends", () => {
    const ERASE = "\x1b[1A\x1b[2K";
    const tty = sink({ tty: true });
    tty.send(build(1));
    expect(tty.err).toEqual(["hotreload ⋯ building · x\n"]);
    tty.send(ok);
    expect(tty.err.at(-1)).toBe(ERASE);
    // Something else written meanwhile: the line stays as history, nothing is erased.
    const busy = sink({ tty: true });
    busy.send(build(1), { type: "log", stream: "app", fd: "stdout", line: "GET /" }, failed);
    expect(busy.err.join("")).not.toContain(ERASE);
    expect(busy.err.join("")).toContain("✗ build failed");
    // No terminal, --quiet or debug: no status line and no escape code.
    for (const options of [
      { tty: false },
      { tty: true, quiet: true },
      { tty: true, debug: true },
    ]) {
      const s = sink(options);
      s.send(build(1), ok);
      expect(s.err.join("")).not.toContain("⋯ building");
      expect(s.err.join("")).not.toContain("\x1b");
    }
  });
});

describe("commands from the dashboard", () => {
  test("are said in the terminal as a tagged line", () => {
    const s = sink();
    s.send({ type: "command.requested", command: "restart", source: "dashboard" });
    expect(s.err.join("")).toBe("hotreload restart requested from the dashboard\n");
    expect(s.out).toEqual([]);
  });

  test("with services they say which service, or every one", () => {
    const s = sink();
    s.send({ type: "command.requested", command: "restart", source: "dashboard", service: "api" });
    s.send({ type: "command.requested", command: "rebuild", source: "dashboard", all: true });
    expect(s.err.join("")).toBe(
      "hotreload restart requested from the dashboard for api\nhotreload rebuild requested from the dashboard for every service\n",
    );
  });
});

test("exit 127 and 126 say what the shell meant: command not found, not executable", () => {
  const s = sink();
  const exited = (exitCode: number): EventInput => ({
    type: "process.exited",
    pid: 9,
    exitCode,
    signal: null,
    requested: false,
    uptimeMs: 12,
  });
  s.send(exited(127), exited(126), exited(1));
  const text = s.err.join("");
  expect(text).toContain("server exited (exit 127: command not found)");
  expect(text).toContain("server exited (exit 126: not executable)");
  expect(text).toMatch(/server exited \(exit 1\) after/);
});

describe("pretty sink: rules and hooks", () => {
  const applied = (
    path: string,
    action: "restart" | "reload",
    runs: string[] = [],
  ): EventInput => ({
    type: "rules.applied",
    action,
    hits: [{ path, action, rule: 0, match: "views/**" }],
    runs,
  });
  const hookFinished = (ok: boolean, extra: Partial<EventInput> = {}): EventInput =>
    ({
      type: "hook.finished",
      id: 1,
      hook: "run",
      command: "templ generate",
      rule: 3,
      ok,
      exitCode: ok ? 0 : 1,
      signal: null,
      timedOut: false,
      durationMs: 20,
      tail: ["x.templ:3:1: unexpected token"],
      ...extra,
    }) as EventInput;

  test("the reload line says which rule fired", () => {
    const s = sink();
    s.send(applied("views/index.hbs", "restart"), {
      type: "reload.done",
      seq: 1,
      files: 1,
      timing: { stop: 30, start: 8 },
      action: "restart",
    });
    expect(s.err.join("")).toBe("hotreload ✓ views/index.hbs → restart · swapped in 38 ms\n");
  });

  test("a browser reload is one line; debug explains each file's decision", () => {
    const s = sink({ debug: true });
    s.send(applied("public/app.css", "reload"), {
      type: "browser.reload",
      paths: ["public/app.css"],
    });
    const text = s.err.join("");
    expect(text).toContain("rules: public/app.css → reload: rule 0 (views/**)");
    expect(text).toContain("✓ public/app.css → reload · browsers reloaded");
  });

  test("a failing rule command is reported like a failed build, with its output", () => {
    const s = sink();
    s.send({ type: "process.started", pid: 5 }, hookFinished(false));
    expect(s.err.join("")).toBe(
      "hotreload ✗ `templ generate` failed (exit 1) — the previous server keeps running\nrun │ x.templ:3:1: unexpected token\n",
    );
  });

  test("a hook that timed out says so; a failing before_build is a failed build", () => {
    const s = sink();
    s.send(
      hookFinished(false, {
        hook: "after_ready",
        timedOut: true,
        exitCode: null,
        durationMs: 5000,
      } as never),
      { ...failed, hook: "before_build" } as EventInput,
    );
    const text = s.err.join("");
    expect(text).toContain(
      "after_ready hook `templ generate` failed (timed out after 5.0 s; its process group was stopped)",
    );
    expect(text).toContain("✗ before_build hook failed (exit 1, 7 ms)");
  });

  test("after_ready and on_crash output is shown live and tagged; a before_build's only on failure", () => {
    const s = sink();
    s.send(
      { type: "log", stream: "hook", fd: "stdout", line: "warmed", hook: "after_ready" },
      { type: "log", stream: "hook", fd: "stdout", line: "generated", hook: "before_build" },
    );
    expect(s.err.join("")).toBe("after_ready │ warmed\n");
  });
});
