import { describe, expect, test } from "bun:test";
import { mkdirSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../../src/config/load.ts";
import { type LoadedServices, loadRun } from "../../src/services/resolve.ts";
import { tempDir } from "../helpers/temp-dir.ts";

function run(dir: string, allowMissingExec = false) {
  return loadRun({ cwd: dir, flags: {}, allowMissingExec });
}

function services(dir: string): LoadedServices {
  const result = run(dir);
  if (!result.ok)
    throw new Error(
      `expected success, got ${result.error.message}\n${result.error.details?.join("\n")}`,
    );
  if (result.value.kind !== "services") throw new Error("expected services");
  return result.value.loaded;
}

function error(dir: string) {
  const result = run(dir);
  if (result.ok) throw new Error("expected a configuration error");
  return result.error;
}

const STACK = `
env:
  SHARED: "1"
  LEVEL: top
stop:
  timeout: 2s
health_check:
  interval: 100ms
services:
  api:
    root: api
    exec: ./bin/api
    env:
      LEVEL: api
    health_check:
      enabled: true
      url: http://localhost:8080/health
    depends_on:
      db: {condition: healthy}
      migrate: {condition: completed_successfully}
  migrate:
    exec: ./migrate.sh
    depends_on: [db]
  db:
    exec: ./db.sh
    restart_dependents: true
    health_check:
      enabled: true
      url: http://localhost:5432/
`;

describe("services config", () => {
  test("each service takes the top-level keys as defaults, its own keys win", () => {
    using dir = tempDir();
    mkdirSync(join(dir.path, "api"));
    dir.write(".hotreload.yaml", STACK);
    const loaded = services(dir.path);
    const root = realpathSync(dir.path);
    expect(loaded.services.map((s) => s.name)).toEqual(["api", "migrate", "db"]);
    const [api, migrate, db] = loaded.services;
    expect(api?.config.root).toBe(join(root, "api"));
    expect(migrate?.config.root).toBe(root);
    expect(api?.config.env).toEqual({ SHARED: "1", LEVEL: "api" });
    expect(migrate?.config.env).toEqual({ SHARED: "1", LEVEL: "top" });
    expect(api?.config.stop.timeout).toBe(2000);
    expect(api?.config.health_check).toMatchObject({ enabled: true, interval: 100 });
    expect(migrate?.config.health_check.enabled).toBe(false);
    expect(api?.dependsOn).toEqual([
      { service: "db", condition: "healthy" },
      { service: "migrate", condition: "completed_successfully" },
    ]);
    expect(migrate?.dependsOn).toEqual([{ service: "db", condition: "started" }]);
    expect(db?.restartDependents).toBe(true);
    expect(api?.restartDependents).toBe(false);
    expect(loaded.graph.startOrder).toEqual(["db", "migrate", "api"]);
    expect(loaded.maxParallelBuilds).toBeGreaterThanOrEqual(1);
  });

  test("a config without services is one service, exactly as loadConfig resolves it", () => {
    using dir = tempDir();
    dir.write(".hotreload.yaml", "exec: ./server\nenv: {A: b}\n");
    const result = run(dir.path);
    expect(result.ok && result.value.kind).toBe("single");
    const single = loadConfig({ cwd: dir.path, flags: {} });
    if (!result.ok || result.value.kind !== "single" || !single.ok) throw new Error("unexpected");
    expect(result.value.loaded.config).toEqual(single.value.config);
  });

  test("a typo in a service key gets a did-you-mean with the full key path and line", () => {
    using dir = tempDir();
    dir.write(
      ".hotreload.yaml",
      "services:\n  api:\n    exec: ./a\n    helth_check:\n      enabled: true\n",
    );
    const e = error(dir.path);
    expect(e.message).toContain(".hotreload.yaml:4:5: Unknown key `services.api.helth_check`");
    expect(e.hint).toBe("Did you mean `services.api.health_check`?");
  });

  test("a bad service name", () => {
    using dir = tempDir();
    dir.write(".hotreload.yaml", "services:\n  My_API:\n    exec: ./a\n");
    const e = error(dir.path);
    expect(e.message).toContain("`services.My_API` to be named like a service");
    expect(e.hint).toContain("lower-case");
  });

  test("a run-wide key inside a service is unknown there", () => {
    using dir = tempDir();
    dir.write(
      ".hotreload.yaml",
      "services:\n  api:\n    exec: ./a\n    dashboard: {enabled: true}\n",
    );
    const e = error(dir.path);
    expect(e.message).toContain(
      ".hotreload.yaml:4:5: Unknown key `services.api.dashboard`: `dashboard` belongs to the whole run, not to one service",
    );
    expect(e.hint).toContain("top level");
  });

  test("a cycle is a config error naming it, at the line of the first depends_on", () => {
    using dir = tempDir();
    dir.write(
      ".hotreload.yaml",
      "services:\n  api:\n    exec: ./a\n    depends_on: [worker]\n  worker:\n    exec: ./w\n    depends_on: [api]\n",
    );
    const e = error(dir.path);
    expect(e.message).toContain(
      ".hotreload.yaml:4:17: The services depend on each other in a cycle: api → worker → api",
    );
  });

  test("an unknown dependency names its key and guesses", () => {
    using dir = tempDir();
    dir.write(
      ".hotreload.yaml",
      "services:\n  api:\n    exec: ./a\n    depends_on:\n      wroker: {condition: started}\n  worker:\n    exec: ./w\n",
    );
    const e = error(dir.path);
    expect(e.message).toContain(":5:");
    expect(e.message).toContain("unknown service `wroker`");
    expect(e.hint).toBe("Did you mean `worker`?");
  });

  test("a bad condition lists the conditions", () => {
    using dir = tempDir();
    dir.write(
      ".hotreload.yaml",
      "services:\n  api:\n    exec: ./a\n    depends_on:\n      db: {condition: ready}\n  db:\n    exec: ./d\n",
    );
    const e = error(dir.path);
    expect(e.message).toContain(
      "`services.api.depends_on.db.condition` to be one of `started`, `healthy`, `completed_successfully`",
    );
  });

  test("a service without exec names the service", () => {
    using dir = tempDir();
    dir.write(".hotreload.yaml", "services:\n  api:\n    build: make\n");
    expect(error(dir.path).message).toStartWith("services.api: No `exec` command");
  });

  test("a missing service root points at its line", () => {
    using dir = tempDir();
    dir.write(".hotreload.yaml", "services:\n  api:\n    root: nowhere\n    exec: ./a\n");
    const e = error(dir.path);
    expect(e.message).toContain(".hotreload.yaml:3:11: the project root");
  });

  test("max_parallel_builds", () => {
    using dir = tempDir();
    dir.write(".hotreload.yaml", "max_parallel_builds: 2\nservices:\n  api:\n    exec: ./a\n");
    expect(services(dir.path).maxParallelBuilds).toBe(2);
  });
});

describe("hotreload check with services", () => {
  test("prints each service and the start graph; --json has the start order", async () => {
    const { servicesReport } = await import("../../src/services/check-report.ts");
    using dir = tempDir();
    mkdirSync(join(dir.path, "api"));
    dir.write(".hotreload.yaml", STACK);
    const loaded = services(dir.path);
    const text = servicesReport(loaded, false);
    expect(text).toContain("OK, 3 services");
    expect(text).toContain(
      "#   1. db\n#   2. migrate ← after db (started)\n#   3. api ← after db (healthy), migrate (completed successfully)",
    );
    expect(text).not.toContain("&a1");
    const json = JSON.parse(servicesReport(loaded, true));
    expect(json.start_order).toEqual(["db", "migrate", "api"]);
    expect(json.services.api.depends_on[0]).toEqual({ service: "db", condition: "healthy" });
    expect(json.services.api.dashboard).toBeUndefined();
    expect(json.run.dashboard.enabled).toBe(false);
  });
});
