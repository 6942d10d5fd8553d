import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { keyTable, TABLE_END, TABLE_START } from "../../src/config/docs-table.ts";
import { formatDuration, parseDuration } from "../../src/config/duration.ts";
import { jsonSchemaText } from "../../src/config/json-schema.ts";
import { configSchema } from "../../src/config/schema.ts";

const top = join(import.meta.dir, "..", "..");

describe("schema artefacts", () => {
  test("schema/hotreload.schema.json is up to date (run `bun run schema`)", () => {
    expect(readFileSync(join(top, "schema", "hotreload.schema.json"), "utf8")).toBe(
      jsonSchemaText(),
    );
  });

  test("docs/CONFIGURATION.md lists every key as the schema says (run `bun run schema`)", () => {
    const doc = readFileSync(join(top, "docs", "CONFIGURATION.md"), "utf8");
    const table = doc.slice(doc.indexOf(TABLE_START), doc.indexOf(TABLE_END) + TABLE_END.length);
    expect(table).toBe(keyTable());
  });

  test("every key of the design is in the schema", () => {
    const keys = (
      shape: Record<string, { kind: string; shape?: unknown }>,
      prefix = "",
    ): string[] =>
      Object.entries(shape).flatMap(([k, n]) =>
        n.kind === "object"
          ? keys(n.shape as Record<string, { kind: string }>, `${prefix}${k}.`)
          : [`${prefix}${k}`],
      );
    const all = keys(configSchema.shape as never);
    for (const key of [
      "root",
      "build",
      "exec",
      "debounce",
      "ext",
      "ignore_patterns",
      "poll",
      "env",
      "health_check.enabled",
      "health_check.url",
      "health_check.timeout",
      "health_check.interval",
      "health_check.max_retries",
      "notifications.enabled",
      "dashboard.enabled",
      "dashboard.port",
      "dashboard.host",
      "stop.signal",
      "stop.timeout",
      "crash.backoff_initial",
      "crash.backoff_max",
      "crash.reset_after",
    ])
      expect(all).toContain(key);
  });

  test("the original tool's defaults", () => {
    const d = configSchema.default;
    expect(d.health_check).toEqual({
      enabled: false,
      url: null,
      timeout: 5000,
      interval: 500,
      max_retries: 10,
      expect_status: ["200-299"],
    });
    // The dashboard moved off the original's 3000, the default port of most app frameworks.
    expect(d.dashboard).toEqual({
      enabled: false,
      port: 7357,
      host: "127.0.0.1",
      allowed_hosts: [],
    });
    expect(d.notifications.enabled).toBe(true);
    expect(d.crash).toEqual({ backoff_initial: 1000, backoff_max: 32_000, reset_after: 10_000 });
    expect(d.stop).toEqual({ signal: "SIGTERM", timeout: 5000 });
    expect(d.poll).toBe(false);
  });
});

describe("editor_url", () => {
  const check = (value: unknown) => configSchema.check({ editor_url: value }, []);

  test("defaults to VS Code's file URL, so file:line:col links work out of the box", () => {
    expect(configSchema.default.editor_url).toBe("vscode://file/{file}:{line}:{col}");
  });

  test("accepts a template with {file} and the empty string (no links)", () => {
    for (const value of ["idea://open?file={file}&line={line}", ""]) {
      const result = check(value);
      expect(result.ok && result.value.editor_url).toBe(value);
    }
  });

  test("refuses a template without {file}, naming the key", () => {
    const result = check("vscode://file/");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(JSON.stringify(result)).toContain("editor_url");
  });
});

describe("durations", () => {
  test.each([
    ["300ms", 300],
    ["5s", 5000],
    ["1m", 60_000],
    ["1m30s", 90_000],
    ["1.5s", 1500],
    ["250", 250],
    [250, 250],
    [" 2s ", 2000],
    ["1h", 3_600_000],
  ] as const)("%p is %p ms", (input, ms) => expect(parseDuration(input)).toBe(ms));

  test.each(["five", "5 s", "s", "", "-1s", "5x", "1m-2s", null, true, -5])(
    "%p is not a duration",
    (input) => expect(parseDuration(input)).toBeNull(),
  );

  test("formatDuration round-trips", () => {
    for (const ms of [0, 1, 300, 1000, 1500, 60_000, 90_000])
      expect(parseDuration(formatDuration(ms))).toBe(ms);
  });
});
