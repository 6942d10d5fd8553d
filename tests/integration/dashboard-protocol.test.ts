import { expect, test } from "bun:test";
import type { Event } from "../../src/events/types.ts";
import {
  emitGoodBuild,
  openClient,
  startTestDashboard,
  waitUntil,
} from "../helpers/dashboard-harness.ts";

test("a page gets a snapshot on connect: phase, process, builds, logs, changes, config", async () => {
  await using d = await startTestDashboard({ config: { exec: "./app", debounce: 300 } });
  d.bus.emit({ type: "changes", changes: [{ path: "main.go", kind: "modify" }], fingerprint: "f" });
  emitGoodBuild(d, 1, 5);
  d.bus.emit({ type: "process.started", pid: 4321 });
  d.bus.emit({ type: "phase", phase: "running", previous: "starting" });
  d.bus.emit({ type: "log", stream: "app", fd: "stdout", line: "listening on :8080" });
  using client = await openClient(d.wsUrl(), d.origin);
  const snap = await client.next("snapshot");
  expect(snap.phase).toBe("running");
  expect(snap.process?.pid).toBe(4321);
  expect(snap.builds.map((b) => [b.seq, b.outcome])).toEqual([[1, "ok"]]);
  expect(snap.changes[0]?.files).toEqual([{ path: "main.go", kind: "modify" }]);
  expect(snap.logs.map((l) => l.line)).toEqual(["listening on :8080"]);
  expect(snap.config).toEqual({ exec: "./app", debounce: 300 });
  expect(snap.logCapacity).toBe(5000);
});

test("non-log events arrive one by one with the reduced state; log lines in per-frame batches, in order", async () => {
  await using d = await startTestDashboard();
  using client = await openClient(d.wsUrl(), d.origin);
  await client.next("snapshot");
  d.bus.emit({ type: "phase", phase: "building", previous: "idle" });
  const phase = await client.next("event", (m) => m.event.type === "phase");
  expect(phase.state?.phase).toBe("building");
  for (let i = 0; i < 2000; i++)
    d.bus.emit({ type: "log", stream: "app", fd: "stdout", line: `line ${i}` });
  d.bus.emit({ type: "phase", phase: "running", previous: "building" });
  await client.next("event", (m) => m.event.type === "phase" && m.event.phase === "running");
  const received: Event[] = [];
  let logMessages = 0;
  for (const m of client.messages) {
    if (m.type === "batch") received.push(...m.events);
    if (m.type === "event") received.push(m.event);
    if (m.type === "batch") logMessages++;
  }
  const lines = received
    .filter((e) => e.type === "log")
    .map((e) => (e.type === "log" ? e.line : ""));
  expect(lines).toEqual(Array.from({ length: 2000 }, (_, i) => `line ${i}`));
  // Emitted synchronously, 2000 lines travel in a handful of messages, not 2000.
  expect(logMessages).toBeLessThanOrEqual(4);
  // The phase change was sent after every line before it.
  expect(received.at(-1)?.type).toBe("phase");
});

test("commands reach onCommand and are acknowledged; clear empties the ring and tells every page", async () => {
  await using d = await startTestDashboard();
  using a = await openClient(d.wsUrl(), d.origin);
  using b = await openClient(d.wsUrl(), d.origin);
  await a.next("snapshot");
  await b.next("snapshot");
  a.command("rebuild");
  await a.next("ack", (m) => m.command === "rebuild");
  expect(d.commands).toEqual(["rebuild"]);
  d.bus.emit({ type: "log", stream: "build", fd: "stderr", line: "old line" });
  await b.next("event", (m) => m.event.type === "log");
  a.command("clear");
  await a.next("cleared");
  await b.next("cleared");
  expect(d.commands).toEqual(["rebuild"]); // clear stays in the dashboard
  using c = await openClient(d.wsUrl(), d.origin);
  expect((await c.next("snapshot")).logs).toEqual([]);
});

test("malformed messages get an error reply and never reach the engine", async () => {
  await using d = await startTestDashboard();
  using client = await openClient(d.wsUrl(), d.origin);
  await client.next("snapshot");
  const bad = ["{", "[]", '{"type":"command","command":"shutdown"}', '{"type":"x"}', "null"];
  for (const raw of bad) client.ws.send(raw);
  client.ws.send(new Uint8Array([1, 2, 3]));
  await waitUntil(
    () => client.messages.filter((m) => m.type === "error").length === bad.length + 1,
    () => `errors so far: ${JSON.stringify(client.messages.filter((m) => m.type === "error"))}`,
  );
  expect(d.commands).toEqual([]);
  client.command("stop");
  await client.next("ack");
  expect(d.commands).toEqual(["stop"]);
});

test("an engine that throws on a command yields an error reply; the dashboard keeps going", async () => {
  await using d = await startTestDashboard({
    onCommand() {
      throw new Error("inbox closed");
    },
  });
  using client = await openClient(d.wsUrl(), d.origin);
  await client.next("snapshot");
  client.command("restart");
  const error = await client.next("error");
  expect(error.message).toContain("inbox closed");
  d.bus.emit({ type: "phase", phase: "idle", previous: "running" });
  await client.next("event", (m) => m.event.type === "phase");
});

test("close() closes pages, stops listening and unsubscribes from the bus", async () => {
  const d = await startTestDashboard();
  const client = await openClient(d.wsUrl(), d.origin);
  await client.next("snapshot");
  await d.close();
  await waitUntil(
    () => client.closed,
    () => "the page was not closed",
  );
  expect(client.closed?.code).toBe(1001);
  const refused = await fetch(`${d.origin}/`).then(
    () => false,
    () => true,
  );
  expect(refused).toBe(true);
  d.bus.emit({ type: "log", stream: "app", fd: "stdout", line: "after close" }); // must not throw
  await d.close(); // idempotent
});
