/**
 * Token hand-over across restarts at the protocol level: a second dashboard for the same
 * token file lets the first one's token open a websocket (only that, only for a while) and
 * tells it the new token.
 */
import { afterEach, expect, test } from "bun:test";
import { chmodSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { readPreviousToken } from "../../src/dashboard/token-handover.ts";
import {
  openClient,
  rawHttp,
  recordingLogger,
  startTestDashboard,
  statusOf,
  type TestDashboard,
  upgradeRequest,
  waitUntil,
} from "../helpers/dashboard-harness.ts";
import { createFakeClock } from "../helpers/fake-clock.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const FIRST = "first-run-token-0123456789abcdefghijkl";
const SECOND = "second-run-token-0123456789abcdefghijk";

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const undo of cleanup.splice(0).reverse()) await undo();
});

function stateFile(): string {
  const dir = tempDir("hotreload-handover-");
  cleanup.push(() => dir[Symbol.dispose]());
  return join(dir.path, "state", "project-abc.dashboard.json");
}

async function start(
  file: string,
  token: string,
  extra: Parameters<typeof startTestDashboard>[0] = {},
): Promise<TestDashboard> {
  const d = await startTestDashboard({ token, handover: { file }, ...extra });
  cleanup.push(() => d.close());
  return d;
}

function post(d: TestDashboard, token: string) {
  return fetch(`${d.origin}/api/command`, {
    method: "POST",
    headers: { origin: d.origin, "content-type": "application/json", "x-hotreload-token": token },
    body: JSON.stringify({ command: "rebuild" }),
  });
}

test("each run writes its token to a private file; a failed start leaves it alone", async () => {
  const file = stateFile();
  const first = await start(file, FIRST);
  expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({
    token: FIRST,
    port: first.port,
    pid: process.pid,
  });
  expect((statSync(file).mode & 0o777).toString(8)).toBe("600");
  expect((statSync(join(file, "..")).mode & 0o077).toString(8)).toBe("0");
  // Same port: the second start fails and must not replace the running one's token.
  await expect(start(file, SECOND, { port: first.port })).rejects.toThrow(/already in use/);
  expect(JSON.parse(readFileSync(file, "utf8")).token).toBe(FIRST);
  expect(first.logs.filter((l) => l.includes(FIRST))).toEqual([]);
});

test("the previous run's token opens a websocket that learns the new token and cannot act", async () => {
  const file = stateFile();
  const first = await start(file, FIRST);
  await first.close();
  const second = await start(file, SECOND);
  expect(JSON.parse(readFileSync(file, "utf8")).token).toBe(SECOND);

  using old = await openClient(second.wsUrl(FIRST), second.origin);
  const snapshot = await old.next("snapshot");
  expect(snapshot.token).toBe(SECOND);
  expect(snapshot.run.pid).toBe(process.pid);
  old.command("rebuild");
  const refused = await old.next("error");
  expect(refused.message).toMatch(/previous run's token/);
  // Events still reach it until the page reconnects.
  second.bus.emit({ type: "phase", phase: "building", previous: "idle" });
  await old.next("event", (m) => m.event.type === "phase");

  // The old token grants no action and no HTTP read.
  expect((await post(second, FIRST)).status).toBe(401);
  expect((await fetch(`${second.origin}/api/snapshot?token=${FIRST}`)).status).toBe(401);
  expect(second.commands).toEqual([]);

  // The new token is a normal, full connection: no token in its snapshot, commands work.
  using fresh = await openClient(second.wsUrl(SECOND), second.origin);
  expect((await fresh.next("snapshot")).token).toBeUndefined();
  fresh.command("restart");
  await fresh.next("ack");
  expect(second.commands).toEqual(["restart"]);
  expect(second.logs.filter((l) => l.includes(FIRST) || l.includes(SECOND))).toEqual([]);
});

test("the hand-over keeps Origin and Fetch Metadata checks, and only the previous token", async () => {
  const file = stateFile();
  await (await start(file, FIRST)).close();
  const second = await start(file, SECOND);
  const ask = (options: Parameters<typeof upgradeRequest>[1]) =>
    rawHttp(second.port, upgradeRequest(second.port, options)).then(statusOf);
  expect(await ask({ token: FIRST, origin: "http://evil.example" })).toBe(403);
  expect(await ask({ token: FIRST, origin: null })).toBe(403);
  expect(await ask({ token: FIRST, extra: ["Sec-Fetch-Site: cross-site"] })).toBe(403);
  expect(await ask({ token: `${FIRST}x` })).toBe(401);
  expect(await ask({ token: FIRST })).toBe(101);
  // A third run hands over from the second only: the first token is now worthless.
  await second.close();
  const third = await start(file, "third-run-token-0123456789abcdefghijkl");
  expect(
    await rawHttp(third.port, upgradeRequest(third.port, { token: FIRST })).then(statusOf),
  ).toBe(401);
  expect(
    await rawHttp(third.port, upgradeRequest(third.port, { token: SECOND })).then(statusOf),
  ).toBe(101);
});

test("after the window the previous token is refused", async () => {
  const file = stateFile();
  await (await start(file, FIRST)).close();
  const clock = createFakeClock(1_000);
  const second = await start(file, SECOND, { clock, handover: { file, windowMs: 60_000 } });
  const ask = () =>
    rawHttp(second.port, upgradeRequest(second.port, { token: FIRST })).then(statusOf);
  expect(await ask()).toBe(101);
  clock.advance(60_001);
  expect(await ask()).toBe(401);
});

test("a token file others could read or write is not trusted", async () => {
  const file = stateFile();
  await (await start(file, FIRST)).close();
  chmodSync(file, 0o644);
  const logs: string[] = [];
  expect(readPreviousToken(file, recordingLogger(logs))).toBeNull();
  expect(logs.join("\n")).toMatch(/must be private/);
  const second = await start(file, SECOND);
  expect(
    await rawHttp(second.port, upgradeRequest(second.port, { token: FIRST })).then(statusOf),
  ).toBe(401);
  await waitUntil(
    () => second.logs.some((l) => l.includes("must be private")),
    () => `logs: ${second.logs.join(" | ")}`,
  );
});
