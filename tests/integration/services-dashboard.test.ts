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
