/**
 * The config file is read with limits (no FIFO, device or directory; a size limit; YAML
 * alias expansion bounded) and health_check.url is validated when the config is read:
 * each a configuration error naming the file or the key, exit 2, never "internal error".
 */
import { describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig, MAX_CONFIG_BYTES } from "../../src/config/load.ts";
import { MAIN } from "../helpers/hotreload-process.ts";
import { runToEnd } from "../helpers/run-processes.ts";
import { tempDir } from "../helpers/temp-dir.ts";

function refused(cwd: string, flags: Record<string, string> = {}) {
  const result = loadConfig({ cwd, flags });
  if (result.ok) throw new Error("expected a configuration error");
  return result.error;
}

const BOMB = [
  "exec: ./x",
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]",
  "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]",
  "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]",
  "",
].join("\n");

describe("the config file is read with limits", () => {
  test("a FIFO given with --config is refused at once, naming it (no blocked read)", () => {
    using dir = tempDir();
    const fifo = join(dir.path, "config.fifo");
    expect(Bun.spawnSync(["mkfifo", fifo]).exitCode).toBe(0);
    const error = refused(dir.path, { config: fifo });
    expect(error.code).toBe("config.not-a-file");
    expect(error.message).toBe(`--config: ${fifo}: is a FIFO (named pipe), not a regular file`);
  });

  test("a device is refused", () => {
    using dir = tempDir();
    expect(refused(dir.path, { config: "/dev/zero" }).message).toBe(
      "--config: /dev/zero: is a device, not a regular file",
    );
  });

  test("a directory found as .hotreload.yaml is named alone, not as --config", () => {
    using dir = tempDir();
    mkdirSync(join(dir.path, ".hotreload.yaml"));
    const error = refused(dir.path);
    expect(error.message).toBe(
      `${join(dir.path, ".hotreload.yaml")}: is a directory, not a regular file`,
    );
    expect(error.message).not.toContain("--config");
  });

  test("a file over the size limit is refused with its size", () => {
    using dir = tempDir();
    const big = `exec: ./x\n#${"x".repeat(MAX_CONFIG_BYTES)}\n`;
    writeFileSync(join(dir.path, ".hotreload.yaml"), big);
    const error = refused(dir.path);
    expect(error.code).toBe("config.too-large");
    expect(error.message).toContain(`is ${big.length} bytes`);
  });

  test("alias expansion over the library's limit is a parse error with line:col", () => {
    using dir = tempDir();
    dir.write(".hotreload.yaml", BOMB);
    const error = refused(dir.path);
    expect(error.code).toBe("config.parse");
    expect(error.message).toMatch(/\.hotreload\.yaml:3:8: invalid YAML: Excessive alias count/);
  });

  test("the same through the CLI: exit 2, no 'internal error'", async () => {
    using dir = tempDir();
    dir.write(".hotreload.yaml", BOMB);
    const run = await runToEnd([process.execPath, MAIN, "check"], { cwd: dir.path });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(".hotreload.yaml:3:8");
    expect(run.stderr).not.toContain("internal error");
  });
});

describe("health_check.url is validated when the config is read", () => {
  test.each([
    ["ftp://localhost/health", "the scheme is `ftp`"],
    ["http://localhost:70000/health", "The port must be from 1 to 65535; 70000 is not."],
    ["http://localhost:0/health", "The port must be from 1 to 65535; 0 is not."],
    ["localhost:8080/health", "Only http and https"],
    ["not a url", "Write the whole URL"],
    ["http:///health", "The URL has no host"],
  ])("%p is refused at its line, with the key path", (url, hint) => {
    using dir = tempDir();
    dir.write(".hotreload.yaml", `exec: ./x\nhealth_check:\n  enabled: true\n  url: ${url}\n`);
    const error = refused(dir.path);
    expect(error.code).toBe("config.invalid");
    expect(error.message).toMatch(
      /\.hotreload\.yaml:4:8: Expected `health_check\.url` to be an http or https URL with a host/,
    );
    expect(error.hint).toContain(hint);
  });

  test("a good URL, and a bare path with the proxy on, are accepted", () => {
    using dir = tempDir();
    dir.write(".hotreload.yaml", "exec: ./x\nhealth_check:\n  url: https://[::1]:8443/ready\n");
    expect(loadConfig({ cwd: dir.path, flags: {} }).ok).toBe(true);
    dir.write(
      ".hotreload.yaml",
      "exec: ./x\nproxy:\n  enabled: true\n  port: 8080\nhealth_check:\n  url: /health\n",
    );
    const result = loadConfig({ cwd: dir.path, flags: {} });
    expect(result.ok && result.value.config.health_check.url).toBe("/health");
  });

  test("--health-url is checked too, naming the flag", () => {
    using dir = tempDir();
    const error = refused(dir.path, { exec: "./x", healthUrl: "http://localhost:99999/" });
    expect(error.message).toContain(
      "--health-url: Expected `--health-url` to be an http or https URL",
    );
  });

  test("enabled without a url points at the line", () => {
    using dir = tempDir();
    dir.write(".hotreload.yaml", "exec: ./x\nhealth_check:\n  enabled: true\n");
    const error = refused(dir.path);
    expect(error.code).toBe("config.health-check-url");
    expect(error.message).toMatch(/\.hotreload\.yaml:3:3: health_check\.enabled is true/);
  });
});
