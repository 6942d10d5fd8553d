/**
 * The notifier against fake notify-send / gdbus scripts placed first on PATH: real
 * processes, real argv. The fakes record exactly what they received.
 */
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { initialState, step } from "../../src/engine/step.ts";
import type { Logger } from "../../src/log.ts";
import { createNotifier, type NotifierOptions } from "../../src/notify/notifier.ts";
import { gdbusArgv, notifySendArgv } from "../../src/notify/notify-argv.ts";
import type { Notification } from "../../src/notify/types.ts";
import { SETTINGS } from "../helpers/engine-harness.ts";
import { createFakeClock } from "../helpers/fake-clock.ts";
import { createFakeNotifiers, type FakeNotifiers } from "../helpers/fake-notifier.ts";

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (message: string) => lines.push(`${level}: ${message}`);
  return {
    lines,
    debug: push("debug"),
    info: push("info"),
    warn: push("warn"),
    error: push("error"),
  };
}

function notifierFor(
  fake: FakeNotifiers,
  extra: Partial<NotifierOptions> & { env?: Record<string, string> } = {},
) {
  const log = recordingLogger();
  const notifier = createNotifier({
    enabled: true,
    log,
    platform: "linux",
    clock: createFakeClock(),
    ...extra,
    env: { PATH: fake.binDir, DISPLAY: ":99", ...fake.env, ...extra.env },
  });
  return { log, notifier, [Symbol.dispose]: () => notifier.close() };
}

const sample: Notification = { kind: "build-failed", title: "hotreload: build failed", body: "x" };

describe.skipIf(process.platform === "win32")("desktop notifier with a fake notify-send", () => {
  test("title and body arrive verbatim as argv; nothing in them runs", async () => {
    await using fake = await createFakeNotifiers(["notify-send"]);
    const canary = (name: string) => join(fake.workDir, name);
    const victim = canary("victim");
    await writeFile(victim, "still here");
    const body = [
      `$(touch ${canary("pwned1")})`,
      `\`touch ${canary("pwned2")}\``,
      `"; touch ${canary("pwned3")}; echo "`,
      `'; rm -rf ${victim}; '`,
      `\ntouch ${canary("pwned4")}\n`,
      "| tee x & %PATH% -v --help",
    ].join(" ");
    const notification: Notification = {
      kind: "build-failed",
      title: 'it\'s "quoted" $HOME',
      body,
    };
    using setup = notifierFor(fake);
    expect(setup.notifier.mechanism).toBe("notify-send");

    setup.notifier.notify(notification);
    const [call] = await fake.waitForCalls(1);
    expect(call?.program).toBe("notify-send");
    expect(call?.args).toEqual(notifySendArgv("notify-send", notification).argv.slice(1));
    expect(call?.args.at(-1)).toBe(body);
    await setup.notifier.flush();
    for (const name of ["pwned1", "pwned2", "pwned3", "pwned4"])
      expect(existsSync(canary(name))).toBe(false);
    expect(await readFile(victim, "utf8")).toBe("still here");
  });

  test("throttled per kind on the injected clock", async () => {
    await using fake = await createFakeNotifiers(["notify-send"]);
    const clock = createFakeClock();
    using setup = notifierFor(fake, { clock, throttleMs: 10_000 });
    const send = (kind: Notification["kind"], body: string) =>
      setup.notifier.notify({ kind, title: "t", body });

    send("crash-loop", "first");
    send("crash-loop", "throttled");
    send("recovered", "other kind");
    clock.advance(9_999);
    send("crash-loop", "still throttled");
    clock.advance(1);
    send("crash-loop", "after the window");
    await setup.notifier.flush();

    const bodies = (await fake.calls()).map((call) => call.args.at(-1)).sort();
    expect(bodies).toEqual(["after the window", "first", "other kind"]);
    expect(setup.log.lines.filter((line) => line.includes("throttled"))).toHaveLength(2);
  });

  test("falls back to gdbus when notify-send is missing", async () => {
    await using fake = await createFakeNotifiers(["gdbus"]);
    using setup = notifierFor(fake, { env: { DISPLAY: "", WAYLAND_DISPLAY: "wayland-1" } });
    expect(setup.notifier.mechanism).toBe("gdbus");
    setup.notifier.notify({ ...sample, body: 'a "quoted"\nbody' });
    const [call] = await fake.waitForCalls(1);
    expect(call?.args).toEqual(
      gdbusArgv("gdbus", { ...sample, body: 'a "quoted"\nbody' }).argv.slice(1),
    );
  });

  test("off, with one debug line, without a display or when disabled", async () => {
    await using fake = await createFakeNotifiers(["notify-send"]);
    const cases: [Partial<NotifierOptions> & { env?: Record<string, string> }, string][] = [
      [{ env: { DISPLAY: "" } }, "no graphical session"],
      [{ enabled: false }, "disabled in configuration"],
    ];
    for (const [options, reason] of cases) {
      using setup = notifierFor(fake, options);
      expect(setup.notifier.mechanism).toBeNull();
      setup.notifier.notify(sample);
      await setup.notifier.flush();
      expect(setup.log.lines).toEqual([
        expect.stringMatching(new RegExp(`^debug: notifications off: .*${reason}`)),
      ]);
    }
    expect(await fake.calls()).toEqual([]);
  });

  test("a stuck notifier neither blocks notify() nor survives its timeout", async () => {
    await using fake = await createFakeNotifiers(["notify-send"]);
    using setup = notifierFor(fake, { timeoutMs: 300, env: { FAKE_NOTIFY_SLEEP: "30" } });
    const before = performance.now();
    setup.notifier.notify(sample);
    const elapsed = performance.now() - before;
    expect(elapsed).toBeLessThan(1000); // the fake sleeps 30 s
    const [call] = await fake.waitForCalls(1);
    const pid = call!.pid;
    // Detached: the notifier leads its own session, so a terminal's Ctrl-C does not reach it.
    if (process.platform === "linux") {
      const stat = await readFile(`/proc/${pid}/stat`, "utf8");
      const [, , , session] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      expect(Number(session)).toBe(pid);
    }

    await setup.notifier.flush(); // resolves only once the process is gone
    expect(() => process.kill(pid, 0)).toThrow();
    expect(setup.log.lines.some((line) => line.includes("still running after 300 ms"))).toBe(true);
  });

  test("close() kills notifiers still running and ignores later notifications", async () => {
    await using fake = await createFakeNotifiers(["notify-send"]);
    const setup = notifierFor(fake, { env: { FAKE_NOTIFY_SLEEP: "30" } });
    setup.notifier.notify(sample);
    const [call] = await fake.waitForCalls(1);
    setup.notifier.close();
    await setup.notifier.flush();
    expect(() => process.kill(call!.pid, 0)).toThrow();
    setup.notifier.notify({ ...sample, kind: "recovered" });
    await setup.notifier.flush();
    expect(await fake.calls()).toHaveLength(1);
  });

  test("a failing or missing notifier is logged at debug and never throws", async () => {
    await using fake = await createFakeNotifiers(["notify-send"]);
    using failing = notifierFor(fake, { env: { FAKE_NOTIFY_EXIT: "3" } });
    failing.notifier.notify(sample);
    await fake.waitForCalls(1);
    await failing.notifier.flush();
    expect(failing.log.lines).toContainEqual("debug: notify-send exited with 3");

    using missing = notifierFor(fake, { which: () => join(fake.workDir, "no-such-notifier") });
    expect(() => missing.notifier.notify(sample)).not.toThrow();
    await missing.notifier.flush();
    expect(missing.log.lines.some((line) => line.startsWith("debug: could not start"))).toBe(true);
    expect(missing.log.lines.every((line) => line.startsWith("debug: "))).toBe(true);
  });

  test("the engine's build-failed notice reaches notify-send with its first error line", async () => {
    await using fake = await createFakeNotifiers(["notify-send"]);
    using setup = notifierFor(fake);
    let state = initialState(SETTINGS);
    state = step(state, { type: "start", now: 0 }).state;
    const { effects } = step(state, {
      type: "buildDone",
      seq: state.buildSeq,
      ok: false,
      cancelled: false,
      exitCode: 1,
      signal: null,
      durationMs: 10,
      tail: ["# example.com/api", "./main.go:3:1: syntax error: `$(rm -rf ~)`"],
      now: 10,
    });
    const notice = effects.find((effect) => effect.type === "notify");
    if (notice?.type !== "notify")
      throw new Error(`no notify effect in ${JSON.stringify(effects)}`);
    // Titled as src/cli/run.ts does before handing it to the notifier.
    setup.notifier.notify({
      kind: notice.kind,
      title: `hotreload · api: ${notice.title}`,
      body: notice.body,
    });
    const [call] = await fake.waitForCalls(1);
    expect(call?.args.slice(-2)).toEqual([
      "hotreload · api: build failed",
      "./main.go:3:1: syntax error: `$(rm -rf ~)`",
    ]);
  });
});
