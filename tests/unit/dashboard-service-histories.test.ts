import { expect, test } from "bun:test";
import {
  createServiceHistories,
  SERVICE_CHANGE_BATCHES,
  SERVICE_CHANGE_FILES,
} from "../../src/dashboard/service-histories.ts";
import type { Event, EventInput } from "../../src/events/types.ts";

const at = (time: number, input: EventInput): Event => ({ ...input, time }) as Event;

const twoServices = () =>
  createServiceHistories({
    services: [
      { name: "users", healthCheck: true },
      { name: "api", healthCheck: false },
    ],
  });

test("each service keeps its own phase, pid and builds; the last event no longer wins", () => {
  const h = twoServices();
  h.apply(at(1, { type: "phase", phase: "running", previous: "starting", service: "users" }));
  h.apply(at(2, { type: "process.started", pid: 11, service: "users" }));
  h.apply(
    at(3, { type: "build.started", seq: 1, command: "go build", reason: "start", service: "api" }),
  );
  h.apply(at(4, { type: "phase", phase: "building", previous: "idle", service: "api" }));
  const [users, api] = h.services();
  expect(users).toMatchObject({ name: "users", phase: "running", process: { pid: 11 } });
  expect(users?.health).toEqual({ status: "checking", pid: 11 });
  expect(users?.builds).toEqual([]);
  expect(api).toMatchObject({ name: "api", phase: "building", status: "building", process: null });
  expect(api?.builds.map((b) => b.seq)).toEqual([1]);
  // The default history saw none of it: it holds only the run's own events.
  expect(h.view().phase).toBe("idle");
  expect(h.view().process).toBeNull();
});

test("a service's health check setting is its own", () => {
  const h = twoServices();
  h.apply(at(1, { type: "process.started", pid: 21, service: "api" }));
  expect(h.services().find((s) => s.name === "api")?.health).toEqual({ status: "none" });
});

test("services are listed in declaration order, before any event, then as first seen", () => {
  const h = twoServices();
  expect(h.services().map((s) => [s.name, s.status])).toEqual([
    ["users", "starting"],
    ["api", "starting"],
  ]);
  h.apply(at(1, { type: "phase", phase: "running", previous: "starting", service: "worker" }));
  expect(h.services().map((s) => s.name)).toEqual(["users", "api", "worker"]);
  expect(h.only(new Set(["worker", "users"])).map((s) => s.name)).toEqual(["users", "worker"]);
  expect(h.has("api")).toBe(true);
  expect(h.has("nope")).toBe(false);
});

test("a failed build's excerpt holds its own service's output, not the other's", () => {
  const h = twoServices();
  h.apply(
    at(1, { type: "build.started", seq: 1, command: "go build", reason: "x", service: "api" }),
  );
  h.apply(
    at(1, { type: "build.started", seq: 1, command: "bun build", reason: "x", service: "users" }),
  );
  h.buildLine("main.go:3:1: syntax error", "api");
  h.buildLine("users compiled fine", "users");
  h.apply(
    at(2, {
      type: "build.finished",
      seq: 1,
      ok: false,
      exitCode: 1,
      signal: null,
      durationMs: 100,
      tail: [],
      service: "api",
    }),
  );
  const [users, api] = h.services();
  expect(api?.status).toBe("build failed");
  expect(api?.lastError?.head).toEqual(["main.go:3:1: syntax error"]);
  expect(users?.lastError).toBeNull();
});

test("without services every event goes to the default history, as before", () => {
  const h = createServiceHistories({ healthCheck: false });
  h.apply(at(1, { type: "process.started", pid: 5 }));
  h.apply(at(2, { type: "phase", phase: "running", previous: "starting" }));
  expect(h.services()).toEqual([]);
  expect(h.view()).toMatchObject({ phase: "running", process: { pid: 5 }, status: "running" });
});

test("a service's recent changes are trimmed, so the snapshot grows little per service", () => {
  const h = twoServices();
  for (let i = 0; i < 8; i++) {
    const changes = Array.from({ length: 30 }, (_, f) => ({
      path: `src/${i}-${f}.ts`,
      kind: "modify" as const,
    }));
    h.apply(at(i, { type: "changes", changes, fingerprint: null, service: "api" }));
  }
  const api = h.services().find((s) => s.name === "api");
  expect(api?.changes.length).toBe(SERVICE_CHANGE_BATCHES);
  expect(api?.changes.at(-1)?.files.length).toBe(SERVICE_CHANGE_FILES);
  // The total stays, so the page says "… and 20 more".
  expect(api?.changes.at(-1)?.total).toBe(30);
  expect(api?.changes.at(-1)?.files[0]?.path).toBe("src/7-0.ts");
});

test("behind the proxy, a service's candidate is its own, beside its serving process", () => {
  const h = twoServices();
  h.apply(at(1, { type: "process.started", pid: 11, service: "users" }));
  h.apply(at(2, { type: "process.started", pid: 21, service: "api" }));
  h.apply(at(3, { type: "process.started", pid: 12, service: "users" }));
  const [users, api] = h.services();
  expect([users?.process?.pid, users?.candidate?.pid]).toEqual([11, 12]);
  expect([api?.process?.pid, api?.candidate]).toEqual([21, null]);
  h.apply(at(4, { type: "process.draining", pid: 11, service: "users" }));
  const after = h.services()[0];
  expect([after?.process?.pid, after?.candidate]).toEqual([12, null]);
});
