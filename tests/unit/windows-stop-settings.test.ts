/** On Windows the process.stopping event names the forced tree kill, not a signal. */
import { expect, test } from "bun:test";
import { configSchema, type ResolvedConfig } from "../../src/config/schema.ts";
import { settingsFrom } from "../../src/engine/loop.ts";

const config = {
  ...configSchema.default,
  exec: "./server",
  root: "/p",
  configFile: null,
  detected: null,
} as ResolvedConfig;

test("the stop is said as it is done: SIGTERM on POSIX, taskkill /T /F on Windows", () => {
  expect(settingsFrom(config, false, "linux").stopSignal).toBe("SIGTERM");
  expect(settingsFrom(config, false, "darwin").stopSignal).toBe("SIGTERM");
  expect(settingsFrom(config, false, "win32").stopSignal).toBe("taskkill /T /F");
});
