/**
 * The terminal as a person sees it: hotreload runs in a real tmux pane; the tests type keys
 * and read the screen (and the raw bytes, for links) after a start, an edit, a failed build,
 * `r`, `h`, a line typed for the app, `q`, Ctrl-C, SIGTERM and a crash, and check that the
 * terminal mode is back to normal (icanon, echo) afterwards.
 */
import { describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isAlive } from "../../src/run/proc-info.ts";
import { terminalProject } from "../helpers/terminal-project.ts";
import { hasTmux, startTmux, type TmuxSession } from "../helpers/tmux-session.ts";

const hasGo = Bun.which("go") !== null;

/** After the command: its exit status, then the terminal settings, then stay on screen. */
const AFTER = '; echo "[exited $?]"; stty -a; exec sleep 600';

function expectCookedTerminal(screen: string) {
  const settings = screen.slice(screen.indexOf("[exited"));
  expect(settings).toMatch(/(^|\s)icanon(\s|$)/m);
  expect(settings).toMatch(/(^|\s)echo(\s|$)/m);
  expect(settings).not.toMatch(/(^|\s)-icanon(\s|$)/m);
  expect(settings).not.toMatch(/(^|\s)-echo(\s|$)/m);
}

function sttyOf(session: TmuxSession): string {
  const result = Bun.spawnSync(["stty", "-a", "-F", session.paneTty], { stdout: "pipe" });
  return result.stdout.toString();
}

function appPids(screen: string): number[] {
  return [...screen.matchAll(/app ready \w+ pid=(\d+)/g)].map((m) => Number(m[1]));
}

function hotreloadPid(session: TmuxSession): number {
  const [pid] = session.childrenOf(session.panePid);
  if (pid === undefined) throw new Error("hotreload is not running in the pane");
  return pid;
}

describe.skipIf(!hasTmux)("hotreload in a terminal (tmux)", () => {
  test("start, r, edit, failed build, h, a line for the app, q", async () => {
    using project = terminalProject();
    await using tmux = startTmux(`${project.command()}${AFTER}`, {
      cwd: project.root,
      env: project.env,
    });

    // Start: a start line pointing to the keys, then one ready line with the stage times.
    let screen = await tmux.waitFor(/✓ ready · built in \d+ ms · started in \d+ ms · healthy in/);
    expect(screen).toContain("press h for keys");
    expect(screen).toContain("app ready one");
    expect(sttyOf(tmux)).toMatch(/(^|\s)-icanon(\s|$)/m); // raw mode while it runs

    // r: rebuild and restart, with nothing changed: a new process, one summary line.
    tmux.send("r");
    screen = await tmux.waitFor((s) => appPids(s).length === 2);
    const [first, second] = appPids(screen);
    expect(second).not.toBe(first);
    await tmux.waitFor(/✓ built in \d+ ms · swapped in \d+ ms · healthy in \d+ ms/);

    // An edit: one summary line naming the file, with every stage's time; no build noise.
    project.edit('"one"', '"two"');
    screen = await tmux.waitFor(
      /✓ app\.ts changed · built in \d+ ms · swapped in \d+ ms · healthy in \d+ ms/,
    );
    await tmux.waitFor("app ready two");
    expect(screen.match(/app\.ts changed/g)?.length).toBe(1);
    expect(screen).not.toContain("build │");
    expect(await project.get()).toBe("two");

    // A failed build: highlighted, clickable, and the old server keeps serving.
    project.edit('const version = "two";', 'const version = "two" +;');
    screen = await tmux.waitFor("the previous server keeps running");
    expect(screen).toContain("✗ build failed");
    expect(screen).toMatch(/build │ error: Unexpected/);
    expect(screen).toContain(`${join(project.root, "app.ts")}:1:`);
    const colours = tmux.screen({ escapes: true });
    expect(colours).toMatch(/\x1b\[31m(\x1b\[[\d;]*m)*error: Unexpected/);
    expect(tmux.raw()).toContain(`\x1b]8;;file://${join(project.root, "app.ts")}\x1b\\`);
    expect(await project.get()).toBe("two");

    // h: the keys.
    tmux.send("h");
    screen = await tmux.waitFor("show these keys");
    for (const row of ["r  rebuild and restart", "c  clear the screen", "q  quit"])
      expect(screen).toContain(row);

    // Other keys type a line for the app; a leading \ lets it start with a shortcut key.
    tmux.send("ping", { literal: true });
    await tmux.waitFor("› ping");
    tmux.send("Enter");
    await tmux.waitFor('app got: "ping\\n"');
    tmux.send("\\rq", { literal: true });
    tmux.send("Enter");
    await tmux.waitFor('app got: "rq\\n"');

    // q: quits cleanly, the server is gone and the terminal is back in cooked mode.
    tmux.send("q");
    screen = await tmux.waitFor(/\[exited \d+\][\s\S]*icanon/);
    expect(screen).toContain("[exited 0]");
    expectCookedTerminal(screen);
    for (const pid of appPids(tmux.screen({ history: true }))) expect(isAlive(pid)).toBe(false);
  }, 90_000);

  for (const how of ["Ctrl-C", "SIGTERM"] as const) {
    test(`${how} quits and restores the terminal`, async () => {
      using project = terminalProject();
      await using tmux = startTmux(`${project.command()}${AFTER}`, {
        cwd: project.root,
        env: project.env,
      });
      const screen = await tmux.waitFor("✓ ready");
      const [app] = appPids(await tmux.waitFor("app ready one"));
      expect(screen).toBeDefined();
      expect(sttyOf(tmux)).toMatch(/(^|\s)-echo(\s|$)/m);
      if (how === "Ctrl-C") tmux.send("C-c");
      else process.kill(hotreloadPid(tmux), "SIGTERM");
      const after = await tmux.waitFor(/\[exited \d+\][\s\S]*icanon/);
      expect(after).toContain("[exited 0]");
      expectCookedTerminal(after);
      expect(isAlive(app as number)).toBe(false);
    }, 60_000);
  }

  test("an uncaught error still restores the terminal", async () => {
    using project = terminalProject();
    const script = join(project.root, "crash-on-key.ts");
    const keys = join(import.meta.dir, "..", "..", "src", "cli", "keys.ts");
    writeFileSync(
      script,
      [
        `import { listenForKeys } from ${JSON.stringify(keys)};`,
        "listenForKeys({",
        "  log: { debug() {}, info() {}, warn() {}, error() {} },",
        "  echo() {}, onInput() {},",
        '  onCommand() { throw new Error("boom from a key handler"); },',
        "});",
        'console.log("keys on");',
      ].join("\n"),
    );
    await using tmux = startTmux(`${process.execPath} ${script}${AFTER}`, {
      cwd: project.root,
    });
    await tmux.waitFor("keys on");
    expect(sttyOf(tmux)).toMatch(/(^|\s)-icanon(\s|$)/m);
    tmux.send("r");
    const after = await tmux.waitFor(/\[exited \d+\][\s\S]*icanon/);
    expect(after).toContain("boom from a key handler");
    expect(after).not.toContain("[exited 0]");
    expectCookedTerminal(after);
  }, 30_000);

  test("--clear clears the screen before each build but not the first", async () => {
    using project = terminalProject();
    await using tmux = startTmux(`${project.command(["--clear"])}${AFTER}`, {
      cwd: project.root,
      env: project.env,
    });
    const first = await tmux.waitFor((s) => s.includes("✓ ready") && s.includes("app ready one"));
    expect(first).toContain("watching"); // the start line survived the first build
    project.edit('"one"', '"two"');
    const next = await tmux.waitFor(
      (s) => s.includes("app.ts changed") && s.includes("app ready two"),
    );
    const everything = tmux.screen({ history: true });
    expect(everything).not.toContain("✓ ready");
    expect(everything).not.toContain("app ready one");
    expect(everything).not.toContain("watching");
    expect(next.trim().split("\n").length).toBeLessThanOrEqual(3);
    tmux.send("q");
    await tmux.waitFor("[exited 0]");
  }, 60_000);

  test.skipIf(!hasGo)(
    "Go errors link to the file, resolved against the build's directory, with NO_COLOR too",
    async () => {
      using project = terminalProject();
      const root = join(project.root, "svc");
      mkdirSync(root);
      writeFileSync(join(root, "go.mod"), "module example.com/svc\n\ngo 1.19\n");
      writeFileSync(join(root, "main.go"), "package main\n\nfunc main() {\n\tx := 1\n}\n");
      writeFileSync(
        join(root, ".hotreload.yaml"),
        [
          'build: go build -o "$HOTRELOAD_CACHE_DIR/server" .',
          "exec: '\"$HOTRELOAD_CACHE_DIR/server\"'",
          "notifications: { enabled: false }",
        ].join("\n"),
      );
      await using tmux = startTmux(`${project.command()}${AFTER}`, {
        cwd: root,
        env: { ...project.env, NO_COLOR: "1", GOCACHE: goCache() },
      });
      const screen = await tmux.waitFor("✗ build failed", { timeoutMs: 60_000 });
      expect(screen).toMatch(/build │ \.\/main\.go:4:2: .*x/);
      expect(screen).not.toContain("keeps running");
      expect(tmux.screen({ escapes: true })).not.toMatch(/\x1b\[3\dm/);
      expect(tmux.raw()).toContain(
        `\x1b]8;;file://${join(root, "main.go")}\x1b\\./main.go:4:2\x1b]8;;\x1b\\`,
      );
      tmux.send("q");
      await tmux.waitFor("[exited 0]");
    },
    90_000,
  );
});

/** The user's Go build cache: a private XDG_CACHE_HOME would otherwise rebuild the stdlib. */
function goCache(): string {
  return Bun.spawnSync(["go", "env", "GOCACHE"], { stdout: "pipe" }).stdout.toString().trim();
}
