import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { runToEnd } from "../helpers/run-processes.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const MAIN = join(import.meta.dir, "..", "..", "src", "main.ts");

function cli(args: string[], cwd: string, env: Record<string, string | undefined> = {}) {
  return runToEnd([process.execPath, MAIN, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: "1", ...env },
  });
}

/** A user error: exit 2, a message on stderr, and never a stack trace. */
function expectUsageError(
  result: { stderr: string; code: number; stdout: string },
  ...fragments: string[]
) {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe("");
  for (const fragment of fragments) expect(result.stderr).toContain(fragment);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stderr).toContain("hint:");
}

describe("hotreload CLI", () => {
  test("--version prints the version", async () => {
    using dir = tempDir();
    const pkg = JSON.parse(readFileSync(join(import.meta.dir, "..", "..", "package.json"), "utf8"));
    const result = await cli(["--version"], dir.path);
    expect(result).toEqual({ stdout: `hotreload ${pkg.version}\n`, stderr: "", code: 0 });
  });

  test("--help lists the original tool's flags and examples", async () => {
    using dir = tempDir();
    const result = await cli(["--help"], dir.path);
    expect(result.code).toBe(0);
    for (const flag of [
      "--root",
      "--build",
      "--exec",
      "--debounce",
      "--ext",
      "--exclude",
      "--notifications",
      "--dashboard",
      "--dashboard-port",
      "--config",
      "--poll",
      "--json",
      "--color",
    ])
      expect(result.stdout).toContain(flag);
    expect(result.stdout).toContain("EXAMPLES");
  });

  test("--help into a pipe: plain text, usage names hotreload, --help and --version listed", async () => {
    using dir = tempDir();
    // No NO_COLOR: stdout is a pipe, which alone must turn colour off.
    const result = await cli(["--help"], dir.path, { NO_COLOR: undefined, FORCE_COLOR: undefined });
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain("\x1b");
    expect(result.stdout).toContain("\nUSAGE  hotreload [OPTIONS]\n");
    expect(result.stdout).toMatch(/^ {2}-h, --help +Show this help$/m);
    expect(result.stdout).toMatch(/^ {2}-v, --version +Print the version$/m);
    expect(result.stdout.split("\n").filter((line) => /\s$/.test(line))).toEqual([]);
    const init = await cli(["init", "--help"], dir.path, {
      NO_COLOR: undefined,
      FORCE_COLOR: undefined,
    });
    expect(init.stdout).toContain("\nUSAGE  hotreload init [OPTIONS]\n");
    expect(init.stdout).toContain("--force");
  });

  test("--help colours only when forced, and --no-color wins over FORCE_COLOR", async () => {
    using dir = tempDir();
    const forced = await cli(["--help"], dir.path, { NO_COLOR: "", FORCE_COLOR: "1" });
    expect(forced.stdout).toContain("\x1b[1mUSAGE\x1b[22m");
    const off = await cli(["--help", "--no-color"], dir.path, { NO_COLOR: "", FORCE_COLOR: "1" });
    expect(off.stdout).not.toContain("\x1b");
    expect(off.stdout).toContain("USAGE  hotreload [OPTIONS]");
  });

  test("an unknown flag gets a did-you-mean", async () => {
    using dir = tempDir();
    expectUsageError(
      await cli(["--exce", "x"], dir.path),
      "Unknown flag --exce",
      "Did you mean --exec?",
    );
    expectUsageError(await cli(["check", "--jsn"], dir.path), "Unknown flag --jsn", "--json");
    expectUsageError(await cli(["--wach", "../lib"], dir.path), "Did you mean --watch?");
    expectUsageError(await cli(["--env-fil", ".env"], dir.path), "Did you mean --env-file?");
  });

  test("an unexpected argument is refused", async () => {
    using dir = tempDir();
    expectUsageError(await cli(["go", "run", "."], dir.path), 'Unexpected argument "go"');
  });

  test("no exec configured points at init", async () => {
    using dir = tempDir();
    expectUsageError(await cli([], dir.path), "No `exec` command is configured", "hotreload init");
  });

  test("invalid YAML points at file:line:col", async () => {
    using dir = tempDir();
    dir.write(".hotreload.yaml", "exec: ./x\ndebounce: [1\n");
    expectUsageError(await cli(["check"], dir.path), ".hotreload.yaml:3:1: invalid YAML");
  });

  test("a wrong value reads like a sentence", async () => {
    using dir = tempDir();
    dir.write(".hotreload.yaml", "exec: ./x\nhealth_check:\n  timeout: five\n");
    expectUsageError(
      await cli(["check"], dir.path),
      'Expected `health_check.timeout` to be a duration like `5s`, got "five"',
    );
  });

  test("a port out of range and a missing root", async () => {
    using dir = tempDir();
    expectUsageError(
      await cli(["check", "--exec", "x", "--dashboard-port", "99999"], dir.path),
      "--dashboard-port",
      "1 to 65535",
    );
    expectUsageError(
      await cli(["check", "--exec", "x", "--root", "missing"], dir.path),
      "does not exist",
    );
  });

  test("check: exit 2 when exec cannot start, with a hint; which files trigger what", async () => {
    using dir = tempDir();
    expectUsageError(
      await cli(["check", "--exec", "no-such-program-here"], dir.path),
      "`no-such-program-here` is not a command on PATH",
    );
    dir.write("go.mod", "module example.com/m\n");
    dir.write("main.go", "package main\n");
    dir.write("main_test.go", "package main\n");
    dir.write("README.md", "# m\n");
    const result = await cli(["check"], dir.path);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("#   rebuild, then restart: 2 files — go.mod, main.go");
    expect(result.stdout).toContain("#   nothing (ignore_patterns `**/*_test.go`): main_test.go");
    expect(result.stdout).toContain("#   nothing (extension not in ext): README.md");
  });

  test("check --json prints the resolved configuration", async () => {
    using dir = tempDir();
    dir.write(".hotreload.yaml", "build: make\nexec: ./server\ndebounce: 300ms\n");
    const result = await cli(["check", "--json", "--ext", "go"], dir.path);
    expect(result.code).toBe(0);
    const config = JSON.parse(result.stdout);
    expect(config).toMatchObject({
      exec: "./server",
      debounce: 300,
      ext: [".go"],
      root: dir.path,
      health_check: { timeout: 5000 },
    });
  });

  test("init writes a commented config for a Go module, refuses to overwrite, --force replaces", async () => {
    using dir = tempDir();
    dir.write("go.mod", "module example.com/svc\n\ngo 1.19\n");
    const first = await cli(["init"], dir.path);
    expect(first.code).toBe(0);
    const text = readFileSync(join(dir.path, ".hotreload.yaml"), "utf8");
    expect(text.split("\n")[0]).toMatch(
      /^# yaml-language-server: \$schema=.+hotreload\.schema\.json$/,
    );
    expect(text).toContain("# Detected: Go module example.com/svc");
    const parsed = parse(text);
    expect(parsed.build).toBe('go build -o "$HOTRELOAD_CACHE_DIR/server" .');
    expect(parsed.ext).toContain(".go");
    expect(text).toContain("# health_check:");
    // The proxy is offered, commented, with the one change that turns it on.
    expect(text).toContain("# proxy:");
    expect(text).toContain("uncomment `proxy:` below with `enabled: true`");
    const checked = await cli(["check", "--json"], dir.path);
    expect(checked.code).toBe(0);

    expectUsageError(await cli(["init"], dir.path), "already exists", "--force");
    dir.write(".hotreload.yaml", "exec: old\n");
    expect((await cli(["init", "--force"], dir.path)).code).toBe(0);
    expect(readFileSync(join(dir.path, ".hotreload.yaml"), "utf8")).toContain(
      "Detected: Go module",
    );
  });

  test("init with nothing detected says so and leaves exec empty; run then says what to add", async () => {
    using dir = tempDir();
    dir.write("README.md", "# nothing to run\n");
    expect((await cli(["init"], dir.path)).code).toBe(0);
    const text = readFileSync(join(dir.path, ".hotreload.yaml"), "utf8");
    expect(text).toContain("# No known project kind found");
    expect(text).toMatch(/^exec: ""$/m);
    expect(text).not.toContain("./bin/server\n");
    expectUsageError(await cli(["check"], dir.path), "No `exec` command is configured");
  });

  test("init with several Go main packages runs the first and lists them all", async () => {
    using dir = tempDir();
    dir.write("go.mod", "module example.com/m\n");
    dir.write("cmd/api/main.go", "package main\n");
    dir.write("cmd/worker/main.go", "package main\n");
    const result = await cli(["init"], dir.path);
    expect(result.stdout).toContain("entry points: ./cmd/api, ./cmd/worker");
    const text = readFileSync(join(dir.path, ".hotreload.yaml"), "utf8");
    expect(text).toContain("# Several entry points: ./cmd/api, ./cmd/worker.");
    expect(text).toMatch(/^build: go build -o .*api" \.\/cmd\/api$/m);
  });

  test("init detects Bun, Node, Cargo and Python projects", async () => {
    const cases: [string, Record<string, string>, RegExp][] = [
      [
        "bun",
        { "package.json": '{"name":"a"}', "bun.lock": "", "index.ts": "" },
        /^exec: bun index\.ts$/m,
      ],
      [
        "node",
        { "package.json": '{"name":"a","main":"app.js"}', "app.js": "" },
        /^exec: node app\.js$/m,
      ],
      ["cargo", { "Cargo.toml": '[package]\nname = "svc"\n' }, /^build: cargo build --target-dir/m],
      [
        "python",
        { "pyproject.toml": '[project]\nname = "svc"\n', "main.py": "" },
        /^exec: python3 main\.py$/m,
      ],
    ];
    for (const [, files, expected] of cases) {
      using dir = tempDir();
      for (const [name, text] of Object.entries(files)) dir.write(name, text);
      expect((await cli(["init"], dir.path)).code).toBe(0);
      expect(readFileSync(join(dir.path, ".hotreload.yaml"), "utf8")).toMatch(expected);
    }
  });
});
