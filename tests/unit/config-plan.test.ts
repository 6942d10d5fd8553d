import { describe, expect, test } from "bun:test";
import { describePlan, planConfigChange } from "../../src/cli/config-plan.ts";
import { configSchema, type ResolvedConfig } from "../../src/config/schema.ts";

const base = {
  ...configSchema.default,
  exec: "./server",
  root: "/p",
  configFile: "/p/.hotreload.yaml",
  detected: null,
} as ResolvedConfig;
const edit = (over: Record<string, unknown>) => ({ ...base, ...over }) as ResolvedConfig;

describe("what a live config edit asks for", () => {
  test("each kind of key, its move", () => {
    const cases: [Record<string, unknown>, Partial<ReturnType<typeof planConfigChange>>][] = [
      [{ build: "make" }, { action: "rebuild", rearmWatcher: false, moveDashboard: false }],
      [{ exec: "./other" }, { action: "restart", rearmWatcher: false }],
      [{ env: { A: "1" } }, { action: "restart", changed: ["env.A"] }],
      [{ env_file: ["/p/.env"] }, { action: "restart", reloadEnvFiles: true, rearmWatcher: true }],
      [
        { health_check: { ...base.health_check, url: "http://x/" } },
        { action: "restart", changed: ["health_check.url"] },
      ],
      [{ ext: [".go"] }, { action: null, rearmWatcher: true }],
      [{ ignore_patterns: ["tmp/**"] }, { action: null, rearmWatcher: true }],
      [{ watch: ["/shared"] }, { action: null, rearmWatcher: true }],
      [
        { stop: { ...base.stop, timeout: 100 } },
        { action: null, rearmWatcher: false, notLive: [] },
      ],
      [{ dashboard: { ...base.dashboard, port: 9999 } }, { action: null, moveDashboard: true }],
      [{ root: "/q" }, { action: null, notLive: ["root"] }],
      [{ hooks: { ...base.hooks, timeout: 1 } }, { action: null, notLive: [] }],
      [{ editor_url: "" }, { action: null, notLive: ["editor_url"] }],
      [
        { keys: false, build: "make" },
        { action: "rebuild", notLive: ["keys"] },
      ],
    ];
    for (const [over, expected] of cases)
      expect(planConfigChange(base, edit(over))).toMatchObject(expected);
  });

  test("the file and detection label are not settings; the same settings change nothing", () => {
    const plan = planConfigChange(base, edit({ configFile: "/p/.hotreload.yml", detected: "Go" }));
    expect(plan.changed).toEqual([]);
    expect(describePlan(plan, ".hotreload.yaml")).toBe(
      ".hotreload.yaml saved; nothing in the resolved configuration changed",
    );
  });

  test("one line: what changed, what is done, what waits for a restart; env values never", () => {
    const plan = planConfigChange(
      base,
      edit({ env: { TOKEN: "secret" }, ext: [".go"], keys: false }),
    );
    const line = describePlan(plan, ".hotreload.yaml");
    expect(line).toBe(
      ".hotreload.yaml changed (ext, env.TOKEN): restarting the server, watching with the new filters; keys cannot change while running: restart hotreload to apply it",
    );
    expect(line).not.toContain("secret");
  });
});
