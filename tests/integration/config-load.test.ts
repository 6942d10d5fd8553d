import { describe, expect, test } from "bun:test";
import { mkdirSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_FLAGS, type FlagValues } from "../../src/config/flags.ts";
import { loadConfig } from "../../src/config/load.ts";
import type { ResolvedConfig } from "../../src/config/schema.ts";
import { tempDir } from "../helpers/temp-dir.ts";

function load(dir: string, flags: FlagValues = {}, file?: string) {
  return loadConfig({ cwd: dir, flags: file === undefined ? flags : { ...flags } });
}

function ok(dir: string, flags: FlagValues = {}): ResolvedConfig {
  const result = load(dir, flags);
  if (!result.ok)
    throw new Error(
      `expected success, got ${result.error.message}\n${result.error.details?.join("\n")}`,
    );
  return result.value.config;
}

function err(dir: string, flags: FlagValues = {}) {
  const result = load(dir, flags);
  if (result.ok) throw new Error("expected a configuration error");
  return result.error;
}

const get = (config: ResolvedConfig, path: string[]) =>
  path.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], config);

/** For each flag: the file's value, the flag's value, and both as resolved. */
const PRECEDENCE: Record<
  string,
  {
    file: unknown;
    flag: FlagValues[keyof FlagValues];
    fileResolved: unknown;
    flagResolved: unknown;
  }
> = {
  build: { file: "make a", flag: "make b", fileResolved: "make a", flagResolved: "make b" },
  exec: { file: "./a", flag: "./b", fileResolved: "./a", flagResolved: "./b" },
  entry: { file: "./cmd/a", flag: "./cmd/b", fileResolved: "./cmd/a", flagResolved: "./cmd/b" },
  debounce: { file: "300ms", flag: "1s", fileResolved: 300, flagResolved: 1000 },
  ext: { file: [".go"], flag: "ts,.js", fileResolved: [".go"], flagResolved: [".ts", ".js"] },
  exclude: {
    file: ["a/**"],
    flag: ["b/**", "c/**"],
    fileResolved: ["a/**"],
    flagResolved: ["b/**", "c/**"],
  },
  poll: { file: "2s", flag: "", fileResolved: 2000, flagResolved: 500 },
  notifications: { file: true, flag: false, fileResolved: true, flagResolved: false },
  dashboard: { file: false, flag: true, fileResolved: false, flagResolved: true },
  dashboardPort: { file: 4000, flag: "5000", fileResolved: 4000, flagResolved: 5000 },
  dashboardHost: {
    file: "localhost",
    flag: "0.0.0.0",
    fileResolved: "localhost",
    flagResolved: "0.0.0.0",
  },
  dashboardAllowedHost: {
    file: ["a.test"],
    flag: ["localhost:9000,B.test", ".c.test"],
    fileResolved: ["a.test"],
    flagResolved: ["localhost:9000", "b.test", ".c.test"],
  },
  healthUrl: {
    file: "http://a/health",
    flag: "http://b/health",
    fileResolved: "http://a/health",
    flagResolved: "http://b/health",
  },
  stopSignal: { file: "SIGINT", flag: "SIGQUIT", fileResolved: "SIGINT", flagResolved: "SIGQUIT" },
  stopTimeout: { file: "2s", flag: "3s", fileResolved: 2000, flagResolved: 3000 },
  followSymlinks: { file: false, flag: true, fileResolved: false, flagResolved: true },
  clear: { file: false, flag: true, fileResolved: false, flagResolved: true },
  timestamps: { file: false, flag: true, fileResolved: false, flagResolved: true },
  keys: { file: false, flag: true, fileResolved: false, flagResolved: true },
  env: { file: { A: "1" }, flag: ["A=2"], fileResolved: { A: "1" }, flagResolved: { A: "2" } },
  proxy: { file: 8080, flag: "9090", fileResolved: 8080, flagResolved: 9090 },
  proxyHost: {
    file: "localhost",
    flag: "0.0.0.0",
    fileResolved: "localhost",
    flagResolved: "0.0.0.0",
  },
  restart: { file: "never", flag: "always", fileResolved: "never", flagResolved: "always" },
  liveReload: { file: true, flag: false, fileResolved: true, flagResolved: false },
};

function fileWith(path: string[], value: unknown): string {
  const lines = ["exec: ./default"];
  if (path[0] === "exec") lines.length = 0;
  let indent = "";
  for (const key of path.slice(0, -1)) {
    lines.push(`${indent}${key}:`);
    indent += "  ";
  }
  lines.push(`${indent}${path[path.length - 1]}: ${JSON.stringify(value)}`);
  return `${lines.join("\n")}\n`;
}

describe("precedence: defaults < file < flags, key by key", () => {
  for (const spec of CONFIG_FLAGS) {
    // Path lists from flags add to the file's (tested below).
    if (spec.key === "root" || spec.key === "watch" || spec.key === "envFile") continue;
    const c = PRECEDENCE[spec.key];
    test(`--${spec.flag} / ${spec.path.join(".")}`, () => {
      if (!c) throw new Error(`no precedence case for --${spec.flag}`);
      using dir = tempDir();
      const base = ok(dir.path, { exec: "./x" });
      dir.write(".hotreload.yaml", fileWith(spec.path, c.file));
      const fromFile = ok(dir.path);
      expect(get(fromFile, spec.path)).toEqual(c.fileResolved);
      expect(get(fromFile, spec.path)).not.toEqual(c.flagResolved);
      const fromFlag = ok(dir.path, { [spec.key]: c.flag });
      expect(get(fromFlag, spec.path)).toEqual(c.flagResolved);
      expect(base).toBeDefined();
    });
  }

  test("--root beats root: in the file, which is relative to the file", () => {
    using dir = tempDir();
    mkdirSync(join(dir.path, "a"));
    mkdirSync(join(dir.path, "b"));
    dir.write(".hotreload.yaml", "root: ./a\nexec: ./x\n");
    expect(ok(dir.path).root).toBe(join(dir.path, "a"));
    expect(ok(dir.path, { root: "b", config: ".hotreload.yaml" }).root).toBe(
      realpathSync(join(dir.path, "b")),
    );
  });

  test("an empty config file means defaults; .yml is found too; --config picks a file", () => {
    using dir = tempDir();
    dir.write(".hotreload.yml", "");
    const config = ok(dir.path, { exec: "./x" });
    expect(config.debounce).toBe("auto");
    expect(config.configFile).toBe(join(dir.path, ".hotreload.yml"));
    dir.write("other.yaml", "exec: ./other\n");
    expect(ok(dir.path, { config: "other.yaml" }).exec).toBe("./other");
  });
});

describe("bad input names the place, what was expected and a hint", () => {
  test("invalid YAML gives file:line:col and the parser's reason", () => {
    using dir = tempDir();
    dir.write(".hotreload.yaml", "exec: ./x\nhealth_check:\n  url: [unclosed\n");
    const e = err(dir.path);
    expect(e.code).toBe("config.parse");
    expect(e.message).toMatch(/\.hotreload\.yaml:\d+:\d+: invalid YAML: .+/);
  });

  test("an unknown key gives its path, position and a did-you-mean", () => {
    using dir = tempDir();
    dir.write(".hotreload.yaml", "exec: ./x\nhelth_check:\n  enabled: true\n");
    const e = err(dir.path);
    expect(e.code).toBe("config.unknown-key");
    expect(e.message).toBe(`${join(dir.path, ".hotreload.yaml")}:2:1: Unknown key \`helth_check\``);
    expect(e.hint).toBe("Did you mean `health_check`?");
  });

  test("a nested unknown key and a wrong type are both reported with positions", () => {
    using dir = tempDir();
    dir.write(".hotreload.yaml", "exec: ./x\nhealth_check:\n  timeout: five\n  intervall: 1s\n");
    const e = err(dir.path);
    expect(e.message).toBe("2 problems in the configuration");
    const text = e.details?.join("\n") ?? "";
    expect(text).toContain(
      '.hotreload.yaml:3:12: Expected `health_check.timeout` to be a duration like `5s`, got "five"',
    );
    expect(text).toContain(".hotreload.yaml:4:3: Unknown key `health_check.intervall`");
    expect(text).toContain("Did you mean `health_check.interval`?");
  });

  test("a port out of range, from the file and from the flag", () => {
    using dir = tempDir();
    dir.write(".hotreload.yaml", "exec: ./x\ndashboard:\n  port: 70000\n");
    expect(err(dir.path).message).toContain(
      "Expected `dashboard.port` to be a whole number from 1 to 65535, got 70000",
    );
    dir.write(".hotreload.yaml", "exec: ./x\n");
    const e = err(dir.path, { dashboardPort: "0" });
    expect(e.message).toBe(
      '--dashboard-port: Expected `--dashboard-port` to be a whole number from 1 to 65535, got "0"',
    );
  });

  test("a bad dashboard.allowed_hosts entry, from the file and from the flag", () => {
    using dir = tempDir();
    dir.write(
      ".hotreload.yaml",
      'exec: ./x\ndashboard:\n  allowed_hosts:\n    - localhost:9000\n    - "*"\n',
    );
    const fromFile = err(dir.path);
    expect(fromFile.code).toBe("config.invalid");
    const text = [fromFile.message, fromFile.hint, ...(fromFile.details ?? [])].join("\n");
    // The file position is the list's (yaml-file.ts does not descend into sequences).
    expect(text).toMatch(
      /\.hotreload\.yaml:\d+:\d+: Expected `dashboard\.allowed_hosts\.1` to be a host name without wildcards, got "\*"/,
    );
    expect(text).toContain("DNS rebinding");
    dir.write(".hotreload.yaml", "exec: ./x\n");
    const fromFlag = err(dir.path, { dashboardAllowedHost: ["https://dash.example.com/"] });
    expect(fromFlag.message).toBe(
      '--dashboard-allowed-host: Expected `--dashboard-allowed-host` to be a host without a scheme, got "https://dash.example.com/"',
    );
    expect(fromFlag.hint).toContain("not `https://dash.example.com/`");
    expect(err(dir.path, { dashboardAllowedHost: [".com"] }).message).toContain(
      "a domain with at least two labels",
    );
  });

  test("a bad duration flag names the flag", () => {
    using dir = tempDir();
    expect(err(dir.path, { exec: "x", debounce: "soon" }).message).toBe(
      '--debounce: Expected `--debounce` to be `auto` or a duration from 0ms to 1m, got "soon"',
    );
  });

  test("no exec configured says what to add and suggests init", () => {
    using dir = tempDir();
    const e = err(dir.path);
    expect(e.code).toBe("config.no-exec");
    expect(e.hint).toContain("exec:");
    expect(e.hint).toContain("hotreload init");
  });

  test("a root that does not exist, or is a file", () => {
    using dir = tempDir();
    expect(err(dir.path, { root: "nope", exec: "x" }).code).toBe("root.missing");
    dir.write("file.txt", "x");
    const e = err(dir.path, { root: "file.txt", exec: "x" });
    expect(e.code).toBe("root.not-directory");
    expect(e.message).toStartWith("--root:");
  });

  test("the top level must be a mapping", () => {
    using dir = tempDir();
    dir.write(".hotreload.yaml", "- exec\n");
    expect(err(dir.path).message).toContain("Expected the file to be a mapping");
  });

  test("a missing --config file", () => {
    using dir = tempDir();
    expect(err(dir.path, { config: "missing.yaml" }).code).toBe("config.not-found");
  });
});

describe("zero configuration", () => {
  test("a Go module gets go build into the cache directory, outside the tree", () => {
    using dir = tempDir();
    dir.write("go.mod", "module example.com/app\n\ngo 1.19\n");
    const result = load(dir.path);
    if (!result.ok) throw new Error(result.error.message);
    const { config, detection, outputs } = result.value;
    expect(detection?.kind).toBe("go");
    expect(config.detected).toBe("Go module example.com/app");
    expect(config.build).toMatch(/^go build -o .+server \.$/);
    expect(config.build).not.toContain(dir.path);
    expect(config.ext).toContain(".go");
    expect(outputs.length).toBe(1);
  });

  test("a Bun project runs its entry with bun; a Node project with node", () => {
    using dir = tempDir();
    dir.write(
      "package.json",
      JSON.stringify({ name: "svc", devDependencies: { "@types/bun": "1" } }),
    );
    dir.write("server.ts", "");
    expect(ok(dir.path).exec).toBe("bun server.ts");
    dir.write("package.json", JSON.stringify({ name: "svc", main: "server.ts" }));
    expect(ok(dir.path).exec).toBe("node server.ts");
  });

  test("a Cargo project builds with a target dir in the cache", () => {
    using dir = tempDir();
    dir.write("Cargo.toml", '[package]\nname = "svc"\nversion = "0.1.0"\n');
    const config = ok(dir.path);
    expect(config.build).toContain("cargo build --target-dir");
    expect(config.exec).toMatch(/target\/debug\/svc$/);
  });

  test("an explicit exec replaces the commands, not the detected ext, ignores and env", () => {
    using dir = tempDir();
    dir.write("go.mod", "module m\n");
    dir.write(".hotreload.yaml", "exec: ./mine\nignore_patterns: [tmp/**]\n");
    const config = ok(dir.path);
    expect(config.exec).toBe("./mine");
    expect(config.build).toBeNull();
    expect(config.detected).toBe("Go module m; commands from you");
    expect(config.ext).toContain(".go");
    expect(config.ignore_patterns).toEqual(["**/*_test.go", "**/testdata/**", "tmp/**"]);
  });

  test("--exec of a Python server gets PYTHONUNBUFFERED even where nothing is detected", () => {
    using dir = tempDir();
    expect(ok(dir.path, { exec: "python3 -m http.server" }).env).toEqual({ PYTHONUNBUFFERED: "1" });
    expect(ok(dir.path, { exec: "./server" }).env).toEqual({});
  });

  test("nothing detected: source-like files trigger, not README or CSS", () => {
    using dir = tempDir();
    const { ext } = ok(dir.path, { exec: "./server" });
    expect(ext).toContain(".rb");
    expect(ext).not.toContain(".md");
    expect(ext).not.toContain(".css");
  });

  test("an exec into a TypeScript output dir with no build is a warning at start", () => {
    using dir = tempDir();
    dir.write("package.json", JSON.stringify({ name: "svc" }));
    dir.write("tsconfig.json", '{"compilerOptions":{"outDir":"dist"}}');
    const result = load(dir.path, { exec: "node dist/index.js" });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.warnings.join("\n")).toContain("edits would restart stale code");
    const built = load(dir.path, { exec: "node dist/index.js", build: "tsc" });
    expect(built.ok && built.value.warnings).toEqual([]);
  });

  test("several main packages: the error lists them and names --entry; --entry picks", () => {
    using dir = tempDir();
    dir.write("go.mod", "module m\n");
    dir.write("cmd/a/main.go", "package main\n");
    dir.write("cmd/b/main.go", "package main\n");
    const error = err(dir.path, {});
    expect(error.code).toBe("config.no-exec");
    expect(error.message).toContain("./cmd/a, ./cmd/b");
    expect(error.hint).toContain("--entry ./cmd/a");
    expect(ok(dir.path, { entry: "./cmd/b" }).build).toMatch(/ \.\/cmd\/b$/);
  });
});

test("health_check.enabled without a url is refused with what to add", () => {
  using dir = tempDir();
  dir.write(".hotreload.yaml", "exec: ./x\nhealth_check:\n  enabled: true\n");
  const error = err(dir.path, {});
  expect(error.code).toBe("config.health-check-url");
  expect(error.message).toContain("health_check.url is not set");
  expect(error.hint).toContain("--health-url");
});

describe("env_file and watch: path lists", () => {
  test("env_file: one path or a list, relative to root; --env-file adds after them, relative to the current directory", () => {
    using dir = tempDir();
    mkdirSync(join(dir.path, "app"));
    mkdirSync(join(dir.path, "elsewhere"));
    dir.write("app/.hotreload.yaml", "exec: ./x\nenv_file: .env\n");
    const app = join(dir.path, "app");
    expect(ok(app).env_file).toEqual([join(app, ".env")]);
    dir.write("app/.hotreload.yaml", "exec: ./x\nenv_file: [.env, config/dev.env]\n");
    expect(ok(app).env_file).toEqual([join(app, ".env"), join(app, "config/dev.env")]);
    const withFlags = loadConfig({
      cwd: join(dir.path, "elsewhere"),
      flags: { root: "../app", envFile: ["local.env", "/abs/x.env"] },
    });
    if (!withFlags.ok) throw new Error(withFlags.error.message);
    expect(withFlags.value.config.env_file).toEqual([
      join(realpathSync(app), ".env"),
      join(realpathSync(app), "config/dev.env"),
      join(dir.path, "elsewhere", "local.env"),
      "/abs/x.env",
    ]);
  });

  test("watch: extra directories relative to root or absolute, plus --watch; each must exist", () => {
    using dir = tempDir();
    mkdirSync(join(dir.path, "app"));
    mkdirSync(join(dir.path, "shared"));
    mkdirSync(join(dir.path, "lib"));
    const app = join(dir.path, "app");
    dir.write("app/.hotreload.yaml", `exec: ./x\nwatch: [../shared, ${join(dir.path, "lib")}]\n`);
    expect(ok(app).watch).toEqual([join(dir.path, "shared"), join(dir.path, "lib")]);
    expect(ok(app, { watch: [join(app, "../shared")] }).watch).toEqual([
      join(dir.path, "shared"),
      join(dir.path, "lib"),
    ]);
    dir.write("app/.hotreload.yaml", "exec: ./x\nwatch:\n  - ../shared\n  - ../nope\n");
    const e = err(app);
    expect(e.message).toContain(".hotreload.yaml:4:5");
    expect(e.message).toContain("does not exist");
    expect(e.hint).toContain("relative to the root");
    dir.write("app/.hotreload.yaml", "exec: ./x\n");
    expect(err(app, { watch: ["../missing"] }).message).toContain("--watch");
  });
  test("rules and hooks: one glob or a list, a command or {command, timeout}; bad entries named by index with file:line:col", () => {
    using dir = tempDir();
    dir.write(
      ".hotreload.yaml",
      [
        "exec: ./x",
        "rules:",
        '  - match: "views/**"',
        "    action: restart",
        "  - match: [a.proto, b.proto]",
        "    run: { command: buf generate, timeout: 30s }",
        "hooks:",
        "  before_build: sqlc generate",
        "  after_ready: { command: ./warm.sh }",
        "",
      ].join("\n"),
    );
    const config = ok(dir.path);
    expect(config.rules.slice(0, 2)).toEqual([
      { match: ["views/**"], action: "restart", run: null },
      {
        match: ["a.proto", "b.proto"],
        action: "rebuild",
        run: { command: "buf generate", timeout: 30_000 },
      },
    ]);
    expect(config.hooks).toMatchObject({
      before_build: { command: "sqlc generate", timeout: null },
      after_ready: { command: "./warm.sh", timeout: null },
      after_build: null,
      timeout: 60_000,
    });
    dir.write(
      ".hotreload.yaml",
      "exec: ./x\nrules:\n  - match: a\n  - match: b\n    action: relaod\n  - action: restart\n",
    );
    const e = err(dir.path);
    const text = [e.message, ...(e.details ?? [])].join("\n");
    expect(text).toContain(
      '.hotreload.yaml:5:13: Expected `rules.1.action` to be one of `rebuild`, `restart`, `reload`, `ignore`, got "relaod"',
    );
    expect(text).toContain("Missing required key `rules.2.match`");
    dir.write(".hotreload.yaml", "exec: ./x\nrules:\n  - match: a\n    acton: restart\n");
    expect(err(dir.path).hint).toBe("Did you mean `rules.0.action`?");
  });
});
