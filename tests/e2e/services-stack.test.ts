/**
 * The CLI on examples/stack (a Go API that needs the Bun users service healthy and a
 * one-shot migration completed): start order and conditions, a change routed to one
 * service only (the others' pids unchanged), a shared edit rebuilding exactly the services
 * that watch it, a failed build isolated, and a stop in reverse order.
 */
import { describe, expect, test } from "bun:test";
import type { Event } from "../../src/events/types.ts";
import { MAIN, startHotreload } from "../helpers/hotreload-process.ts";
import { collectStream, createLineCollector } from "../helpers/run-processes.ts";
import { copyStack } from "../helpers/stack-example.ts";
import { hasTmux, startTmux } from "../helpers/tmux-session.ts";

type Of<T extends Event["type"]> = Extract<Event, { type: T }>;
const LONG = 120_000;

describe.skipIf(Bun.which("go") === null)("services: examples/stack", () => {
  test("order, conditions, routing, shared edits, isolation, reverse stop", async () => {
    using stack = copyStack();
    await using hr = startHotreload([], { cwd: stack.root });
    const of = (service: string) => (e: Event) => e.service === service;
    const index = (pred: (e: Event) => boolean) => hr.events.findIndex(pred);
    const since = (mark: number, type: Event["type"], service: string) =>
      hr.events.slice(mark).filter((e) => e.type === type && e.service === service).length;

    // Start order and conditions.
    await hr.waitFor("health.ok", of("api"), LONG);
    const usersHealthy = index((e) => e.type === "health.ok" && e.service === "users");
    const migrated = index(
      (e) => e.type === "process.exited" && e.service === "migrate" && e.exitCode === 0,
    );
    const apiStarted = index((e) => e.type === "process.started" && e.service === "api");
    const apiBuilt = index((e) => e.type === "build.started" && e.service === "api");
    expect(usersHealthy).toBeGreaterThanOrEqual(0);
    expect(migrated).toBeGreaterThanOrEqual(0);
    expect(apiBuilt).toBeGreaterThan(usersHealthy);
    expect(apiBuilt).toBeGreaterThan(migrated);
    expect(apiStarted).toBeGreaterThan(apiBuilt);
    const waiting = hr.events.filter(
      (e) => e.type === "notice" && e.service === "api" && e.message.startsWith("waiting for"),
    ) as Of<"notice">[];
    expect(waiting.map((e) => e.message)).toEqual([
      "waiting for users (healthy), migrate (completed successfully)",
    ]);
    const body = await (await fetch(`http://127.0.0.1:${stack.apiPort}/`)).json();
    expect(body).toEqual({
      api: "v1",
      greeting: "hello",
      shared: "hello",
      users: ["ada", "grace", "linus"],
    });
    const usersPid = (
      hr.events.find(
        (e) => e.type === "process.started" && e.service === "users",
      ) as Of<"process.started">
    ).pid;

    // A change in the API reaches the API only.
    let mark = hr.events.length;
    stack.edit("api/handler.go", `const version = "v1"`, `const version = "v2"`);
    await hr.waitFor("health.ok", of("api"), LONG, mark);
    expect((await (await fetch(`http://127.0.0.1:${stack.apiPort}/`)).json()).api).toBe("v2");
    for (const other of ["users", "migrate"]) {
      expect(since(mark, "changes", other)).toBe(0);
      expect(since(mark, "process.started", other)).toBe(0);
      expect(since(mark, "process.stopping", other)).toBe(0);
    }
    expect(
      hr.events.filter((e) => e.type === "process.started" && e.service === "users"),
    ).toHaveLength(1);

    // An edit in the shared directory: exactly the two services that watch it, once each.
    mark = hr.events.length;
    stack.edit("shared/greeting.json", "hello", "hi");
    await hr.waitFor("health.ok", of("api"), LONG, mark);
    await hr.waitFor("health.ok", of("users"), LONG, mark);
    expect(since(mark, "changes", "api")).toBe(1);
    expect(since(mark, "changes", "users")).toBe(1);
    expect(since(mark, "changes", "migrate")).toBe(0);
    expect(since(mark, "build.started", "api")).toBe(1);
    expect(since(mark, "process.started", "users")).toBe(1);
    expect(since(mark, "process.started", "migrate")).toBe(0);
    const changed = hr.events
      .slice(mark)
      .find((e) => e.type === "changes" && e.service === "api") as Of<"changes">;
    expect(changed.changes).toEqual([{ path: "../shared/greeting.json", kind: "modify" }]);
    expect((await (await fetch(`http://127.0.0.1:${stack.apiPort}/`)).json()).greeting).toBe("hi");

    // A failed build of the API leaves it serving and the users service reloading.
    mark = hr.events.length;
    stack.edit("api/handler.go", "type usersReply struct", "var broken = \ntype usersReply struct");
    await hr.waitFor("build.finished", (e) => e.service === "api" && !e.ok, LONG, mark);
    stack.edit("users/server.ts", `"linus"]`, `"linus", "margaret"]`);
    const restarted = await hr.waitFor("health.ok", of("users"), LONG, mark);
    expect(restarted.pid).not.toBe(usersPid);
    const served = await (await fetch(`http://127.0.0.1:${stack.apiPort}/`)).json();
    expect(served.api).toBe("v2");
    expect(served.users).toEqual(["ada", "grace", "linus", "margaret"]);

    // Stop: dependents first.
    mark = hr.events.length;
    hr.proc.kill("SIGINT");
    expect(await hr.exited).toBe(0);
    const stopped = hr.events
      .slice(mark)
      .filter((e) => e.type === "process.exited" && e.requested)
      .map((e) => e.service);
    expect(stopped).toEqual(["api", "users"]);
  }, 240_000);

  test("a failed one-shot task holds its dependents until it completes; named services bring their dependencies", async () => {
    using stack = copyStack();
    await using hr = startHotreload(["api", "--env", "MIGRATE_FAIL=1"], { cwd: stack.root });
    const held = await hr.waitFor(
      "notice",
      (e) => e.service === "api" && e.message.startsWith("migrate exited with code 1"),
      LONG,
    );
    expect(held.level).toBe("warn");
    expect(hr.events.some((e) => e.type === "build.started" && e.service === "api")).toBe(false);
    const mark = hr.events.length;
    stack.edit("migrate/migrate.ts", `process.env.MIGRATE_FAIL === "1"`, "false");
    await hr.waitFor(
      "process.exited",
      (e) => e.service === "migrate" && e.exitCode === 0,
      LONG,
      mark,
    );
    await hr.waitFor("health.ok", (e) => e.service === "api", LONG, mark);
    const failures = hr.events.filter(
      (e) => e.type === "notice" && e.service === "api" && e.message.startsWith("migrate exited"),
    );
    expect(failures).toHaveLength(1);
    hr.proc.kill("SIGINT");
    expect(await hr.exited).toBe(0);
  }, 240_000);

  test("hotreload users runs users alone; an unknown name is a usage error", async () => {
    using stack = copyStack();
    {
      await using hr = startHotreload(["users"], { cwd: stack.root });
      await hr.waitFor("health.ok", (e) => e.service === "users", LONG);
      hr.proc.kill("SIGINT");
      expect(await hr.exited).toBe(0);
      const services = new Set(hr.events.map((e) => e.service).filter(Boolean));
      expect([...services]).toEqual(["users"]);
    }
    await using bad = startHotreload(["uesrs"], { cwd: stack.root });
    expect(await bad.exited).toBe(2);
    expect(bad.stderr.join("\n")).toContain('Unknown service "uesrs"');
    expect(bad.stderr.join("\n")).toContain("Did you mean `users`?");
  }, 120_000);

  test("the terminal: each line prefixed with its service, names aligned; hotreload's lines too", async () => {
    using stack = copyStack();
    const proc = Bun.spawn([process.execPath, MAIN, "users", "migrate", "--no-color"], {
      cwd: stack.root,
      env: { ...process.env, NO_COLOR: "1" },
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    const out = createLineCollector();
    const err = createLineCollector();
    void collectStream(proc.stdout, out);
    void collectStream(proc.stderr, err);
    try {
      await out.waitFor(/^users {3}\| users listening on /, LONG);
      await out.waitFor(/^migrate \| migrated to schema version 3$/, LONG);
      await err.waitFor(/^migrate \| hotreload server exited \(0\)/, LONG);
      expect(err.lines).toContain("hotreload 2 services, started in this order: users → migrate");
    } finally {
      proc.kill("SIGINT");
      expect(await proc.exited).toBe(0);
    }
  }, 120_000);

  test.skipIf(!hasTmux)(
    "keys in a terminal: h lists the numbers, 1 then R restarts that service alone, q stops all",
    async () => {
      using stack = copyStack();
      await using tmux = startTmux(
        `${process.execPath} ${MAIN} users migrate; echo "[exited $?]"; exec sleep 600`,
        {
          cwd: stack.root,
          width: 160,
          height: 50,
        },
      );
      const pidsOf = (screen: string) =>
        [...screen.matchAll(/users listening on \S+ \(pid (\d+)\)/g)].map((m) => Number(m[1]));
      const first = pidsOf(
        await tmux.waitFor(/users listening on .* \(pid \d+\)/, { timeoutMs: LONG }),
      );
      await tmux.waitFor("migrated to schema version 3");
      tmux.send("h");
      await tmux.waitFor("1  users only");
      await tmux.waitFor("2  migrate only");
      tmux.send("1");
      await tmux.waitFor("keys act on users (0: all services)");
      tmux.send("R");
      const screen = await tmux.waitFor((s) => pidsOf(s).length === 2, {
        timeoutMs: LONG,
        history: true,
      });
      const [, second] = pidsOf(screen);
      expect(second).not.toBe(first[0]);
      // migrate ran once only: R went to users alone.
      expect(screen.match(/migrated to schema version 3/g)).toHaveLength(1);
      tmux.send("q");
      await tmux.waitFor("[exited 0]", { timeoutMs: LONG });
    },
    120_000,
  );
});
