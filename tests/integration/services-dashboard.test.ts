/** The dashboard's side of several services: events and log lines keep their `service`. */
import { expect, test } from "bun:test";
import { openClient, startTestDashboard } from "../helpers/dashboard-harness.ts";

test("log lines and events reach the page with their service", async () => {
  await using d = await startTestDashboard();
  d.bus.emit({ type: "log", stream: "app", fd: "stdout", line: "api up", service: "api" });
  using client = await openClient(d.wsUrl(), d.origin);
  const snap = await client.next("snapshot");
  expect(snap.logs.map((l) => [l.service, l.line])).toEqual([["api", "api up"]]);
  d.bus.emit({ type: "process.started", pid: 42, service: "worker" });
  const started = await client.next("event", (m) => m.event.type === "process.started");
  expect(started.event.service).toBe("worker");
});

const services = [
  { name: "users", healthCheck: true },
  { name: "api", healthCheck: true },
];

test("two services: one history each in the snapshot and the live messages", async () => {
  await using d = await startTestDashboard({ services });
  d.bus.emit({ type: "process.started", pid: 11, service: "users" });
  d.bus.emit({ type: "phase", phase: "running", previous: "starting", service: "users" });
  using client = await openClient(d.wsUrl(), d.origin);
  const snap = await client.next("snapshot");
  expect(snap.services?.map((s) => [s.name, s.status, s.process?.pid ?? null])).toEqual([
    ["users", "running", 11],
    ["api", "starting", null],
  ]);
  // The default history is the run's own: no service's pid ended up there.
  expect(snap.process).toBeNull();
  d.bus.emit({ type: "process.started", pid: 22, service: "api" });
  const live = await client.next("event", (m) => m.event.type === "process.started");
  // Only the service the event concerns comes with it; users is unchanged.
  expect(live.services?.map((s) => [s.name, s.process?.pid])).toEqual([["api", 22]]);
  expect(live.state?.process).toBeNull();
});

test("a command names its service; the ack answers for that service alone", async () => {
  const got: [string, string | undefined][] = [];
  let bus: import("../../src/events/bus.ts").EventBus | null = null;
  await using d = await startTestDashboard({
    services,
    onCommand(command, service) {
      got.push([command, service]);
      // As an engine does in its inbox: the events it emits while running the command.
      for (const [name, seq] of [
        ["users", 4],
        ["api", 7],
      ] as const)
        if (service === undefined || service === name)
          bus?.emit({ type: "build.started", seq, command: "b", reason: "r", service: name });
    },
  });
  bus = d.bus;
  using client = await openClient(d.wsUrl(), d.origin);
  await client.next("snapshot");
  client.ws.send(JSON.stringify({ type: "command", command: "rebuild", service: "api" }));
  const one = await client.next("ack");
  expect(one).toMatchObject({
    command: "rebuild",
    service: "api",
    result: "build #7 started",
    results: { api: "build #7 started" },
  });
  client.ws.send(JSON.stringify({ type: "command", command: "rebuild" }));
  const all = await client.next("ack", (m) => m.service === undefined);
  expect(all.results).toEqual({ users: "build #4 started", api: "build #7 started" });
  expect(all.result).toBe("users: build #4 started; api: build #7 started");
  client.ws.send(JSON.stringify({ type: "command", command: "stop", service: "worker" }));
  const refused = await client.next("error");
  expect(refused.message).toBe('unknown service "worker"; expected one of users, api');
  expect(got).toEqual([
    ["rebuild", "api"],
    ["rebuild", undefined],
  ]);
  // The HTTP API takes the same field.
  const res = await fetch(`${d.origin}/api/command`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Origin: d.origin,
      "X-Hotreload-Token": d.token,
    },
    body: JSON.stringify({ command: "rebuild", service: "users" }),
  });
  expect(await res.json()).toMatchObject({
    ok: true,
    service: "users",
    result: "build #4 started",
  });
  const bad = await fetch(`${d.origin}/api/command`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: d.origin, "X-Hotreload-Token": d.token },
    body: JSON.stringify({ command: "rebuild", service: "nope" }),
  });
  expect(bad.status).toBe(400);
});

test("without services nothing changes: no services field, a service name is refused", async () => {
  await using d = await startTestDashboard();
  d.bus.emit({ type: "process.started", pid: 5 });
  using client = await openClient(d.wsUrl(), d.origin);
  const snap = await client.next("snapshot");
  expect("services" in snap).toBe(false);
  expect(snap.process?.pid).toBe(5);
  client.command("restart");
  const ack = await client.next("ack");
  expect(ack).toEqual({ type: "ack", command: "restart", result: "nothing to restart" });
  client.ws.send(JSON.stringify({ type: "command", command: "restart", service: "api" }));
  expect((await client.next("error")).message).toMatch(/this run has no services/);
  expect(d.commands).toEqual(["restart"]);
});
