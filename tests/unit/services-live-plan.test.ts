import { expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { planServicesChange } from "../../src/services/live-plan.ts";
import { type LoadedServices, loadRun } from "../../src/services/resolve.ts";
import { tempDir } from "../helpers/temp-dir.ts";

function load(dir: string): LoadedServices {
  const run = loadRun({ cwd: dir, flags: {} });
  if (!run.ok || run.value.kind !== "services") throw new Error("expected services");
  return run.value.loaded;
}

test("live plans per service: only what changed; structure changes are not applied", () => {
  using dir = tempDir();
  mkdirSync(join(dir.path, "a"));
  mkdirSync(join(dir.path, "b"));
  const write = (text: string) => dir.write(".hotreload.yaml", text);
  write("services:\n  a: {root: a, exec: ./a}\n  b: {root: b, exec: ./b, depends_on: [a]}\n");
  const before = load(dir.path);

  write("services:\n  a: {root: a, exec: ./a2}\n  b: {root: b, exec: ./b, depends_on: [a]}\n");
  const exec = planServicesChange(before, load(dir.path), ["a", "b"]);
  expect(exec.structural).toBeNull();
  expect(exec.services.map((s) => [s.name, s.plan.action])).toEqual([["a", "restart"]]);
  expect(exec.rearmWatcher).toBe(false);

  write(
    "ext: [.go]\nservices:\n  a: {root: a, exec: ./a}\n  b: {root: b, exec: ./b, depends_on: [a]}\n",
  );
  const ext = planServicesChange(before, load(dir.path), ["a", "b"]);
  expect(ext.services.map((s) => s.name)).toEqual(["a", "b"]);
  expect(ext.rearmWatcher).toBe(true);

  write(
    "max_parallel_builds: 1\nservices:\n  a: {root: a, exec: ./a}\n  b: {root: b, exec: ./b, depends_on: [a]}\n",
  );
  expect(planServicesChange(before, load(dir.path), ["a", "b"]).notLive).toEqual([
    "max_parallel_builds",
  ]);

  write("services:\n  a: {root: a, exec: ./a}\n  b: {root: b, exec: ./b}\n");
  expect(planServicesChange(before, load(dir.path), ["a", "b"]).structural).toBe(
    "the services or their depends_on changed",
  );
  write("services:\n  a: {root: a, exec: ./a}\n");
  expect(planServicesChange(before, load(dir.path), ["a", "b"]).structural).toContain("removed b");
});
