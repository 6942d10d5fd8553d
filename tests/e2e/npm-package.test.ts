/**
 * The npm package as a user gets it: `npm pack`, `npm install <tarball>` into a fresh
 * project (dependencies from the registry), then `bunx hotreload --version`, a short watch
 * session through node_modules/.bin/hotreload, and `npx hotreload` on a PATH without Bun,
 * which must explain how to get Bun (exit 2), not print a stack trace.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { SCHEMA_URL } from "../../src/config/template.ts";
import { startHotreload } from "../helpers/hotreload-process.ts";
import { runToEnd, waitAllDead } from "../helpers/run-processes.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const top = join(import.meta.dir, "..", "..");
const pkg = JSON.parse(readFileSync(join(top, "package.json"), "utf8"));
const npm = Bun.which("npm");
const npx = Bun.which("npx");
const node = Bun.which("node");
const work = tempDir("hotreload-npm-");
const project = join(work.path, "project");
let tarball = "";
let files: string[] = [];

async function run(argv: string[], cwd: string, env: Record<string, string | undefined> = {}) {
  const result = await runToEnd(argv, {
    cwd,
    env: { ...process.env, npm_config_update_notifier: "false", ...env },
  });
  return { out: result.stdout, err: result.stderr, code: result.code };
}

function ok(result: { out: string; err: string; code: number }, what: string) {
  if (result.code !== 0)
    throw new Error(`${what} exited ${result.code}\n${result.out}\n${result.err}`);
  return result.out;
}

beforeAll(async () => {
  if (!npm || !node) return;
  const packed = ok(
    await run([npm, "pack", "--json", "--pack-destination", work.path], top),
    "npm pack",
  );
  const info = JSON.parse(packed)[0] as { filename: string; files: { path: string }[] };
  tarball = join(work.path, info.filename);
  files = info.files.map((f) => f.path).sort();
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), '{"name":"try-hotreload","private":true}\n');
  ok(
    await run(
      [npm, "install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", tarball],
      project,
    ),
    "npm install <tarball>",
  );
  // Bun reads the nearest tsconfig.json above each source file, which for the installed
  // package would be the project's: the package ships its own, so a project's path
  // mappings cannot replace hotreload's imports (every test below runs with this one).
  writeFileSync(
    join(project, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { paths: { citty: ["./hijack.ts"] } } }),
  );
  writeFileSync(
    join(project, "hijack.ts"),
    'throw new Error("the project tsconfig mapped citty");\n',
  );
}, 240_000);
afterAll(() => work[Symbol.dispose]());

describe.skipIf(!npm || !npx || !node)("npm package", () => {
  test("the tarball holds only the runtime: bin, src (no tests), schema, README, package.json", () => {
    const allowed =
      /^(bin\/(hotreload|find-bun)\.js|src\/.+\.(ts|js|css|html|svg)|schema\/hotreload\.schema\.json|README\.md|package\.json|tsconfig\.json|LICENSE)$/;
    expect(files.filter((f) => !allowed.test(f))).toEqual([]);
    expect(
      files.filter((f) => /\.test\.ts$|^(tests|scripts|docs|examples|dist)\//.test(f)),
    ).toEqual([]);
    for (const needed of [
      "bin/hotreload.js",
      "src/main.ts",
      "src/dashboard/ui/index.html",
      "schema/hotreload.schema.json",
    ])
      expect(files).toContain(needed);
    // The $schema URL `hotreload init` writes names this package, this version, and a file
    // the package holds, so unpkg serves it once the version is published.
    const schemaUrl = new URL(SCHEMA_URL);
    expect(schemaUrl.origin).toBe("https://unpkg.com");
    const prefix = `/${pkg.name}@${pkg.version}/`;
    expect(schemaUrl.pathname.startsWith(prefix)).toBe(true);
    expect(files).toContain(schemaUrl.pathname.slice(prefix.length));
    // Every source file the CLI can import is in the package.
    const sources = [...new Bun.Glob("src/**/*").scanSync({ cwd: top })].filter(
      (f) => !f.endsWith(".test.ts"),
    );
    expect(sources.filter((f) => !files.includes(f))).toEqual([]);
  });

  test("bunx hotreload --version in the installed project", async () => {
    const out = ok(await run(["bunx", "hotreload", "--version"], project), "bunx hotreload");
    expect(out).toBe(`hotreload ${pkg.version}\n`);
  });

  test("a short watch session through node_modules/.bin/hotreload (node → bun)", async () => {
    using state = tempDir();
    writeFileSync(join(project, "app.sh"), 'echo "npm 1"; exec sleep 300\n');
    await using hr = startHotreload(["--exec", "sh app.sh", "--ext", ".sh", "--no-notifications"], {
      cwd: project,
      command: [node as string, join(project, "node_modules", ".bin", "hotreload")],
      env: { XDG_STATE_HOME: state.path },
    });
    await hr.waitFor("log", (e) => e.line === "npm 1", 30_000);
    writeFileSync(join(project, "app.sh"), 'echo "npm 2"; exec sleep 300\n');
    await hr.waitFor("log", (e) => e.line === "npm 2", 30_000);
    const engine = await hr.waitFor("engine.started");
    const servers = hr.events.flatMap((e) => (e.type === "process.started" ? [e.pid] : []));
    // SIGINT to the node wrapper alone (not its group): it must reach Bun, which stops cleanly.
    hr.proc.kill("SIGINT");
    expect(await hr.exited).toBe(0);
    await waitAllDead([engine.pid, ...servers], 5000);
  });

  /**
   * A project with a .env setting a variable and a bunfig.toml preload, started through
   * the installed entry by `runtime` (node, or Bun itself); the server prints the variable.
   */
  function startInDotenvProject(name: string, preload: string, runtime: string) {
    const app = join(project, name);
    mkdirSync(app, { recursive: true });
    writeFileSync(join(app, ".env"), "HOTRELOAD_TEST_LEAK=from-dotenv\n");
    writeFileSync(join(app, "bunfig.toml"), 'preload = ["./preload.ts"]\n');
    writeFileSync(join(app, "preload.ts"), preload);
    writeFileSync(
      join(app, "app.sh"),
      `echo "leak=\${HOTRELOAD_TEST_LEAK:-none}"; exec sleep 300\n`,
    );
    const state = tempDir();
    const hr = startHotreload(["--exec", "sh app.sh", "--ext", ".sh", "--no-notifications"], {
      cwd: app,
      command: [runtime, join(project, "node_modules", ".bin", "hotreload")],
      env: { XDG_STATE_HOME: state.path },
    });
    return {
      app,
      hr,
      async [Symbol.asyncDispose]() {
        await hr[Symbol.asyncDispose]();
        state[Symbol.dispose]();
      },
    };
  }

  test("the project's .env and bunfig.toml preload reach neither hotreload nor the server", async () => {
    // Bun loads both from its working directory; the entry must not start Bun in the project.
    await using run = startInDotenvProject(
      "app-with-dotenv",
      `require("node:fs").writeFileSync(\`\${import.meta.dir}/preload-ran\`, "");\nthrow new Error("the project preload ran in hotreload");\n`,
      node as string,
    );
    const { app, hr } = run;
    const started = await hr.waitFor("engine.started", undefined, 30_000);
    expect(started.root).toBe(realpathSync(app));
    const line = await hr.waitFor("log", (e) => e.line.startsWith("leak="), 30_000);
    expect(line.line).toBe("leak=none");
    expect(existsSync(join(app, "preload-ran"))).toBe(false);
    expect(hr.stderr.join("\n")).not.toContain("preload ran");
  });

  test("entry run by Bun itself (bunx --bun, no Node): the .env still stays out, a preload stays in the entry", async () => {
    // Bun loads .env and the bunfig preload before the entry runs; the entry hands over the
    // environment it was started with, and hotreload's own process loads neither.
    await using run = startInDotenvProject(
      "app-bun-entry",
      `require("node:fs").appendFileSync(\`\${import.meta.dir}/preload-pids\`, \`\${process.pid}\\n\`);\n`,
      process.execPath,
    );
    const { app, hr } = run;
    const started = await hr.waitFor("engine.started", undefined, 30_000);
    const line = await hr.waitFor("log", (e) => e.line.startsWith("leak="), 30_000);
    expect(line.line).toBe("leak=none");
    const preloadPids = readFileSync(join(app, "preload-pids"), "utf8").trim().split("\n");
    expect(preloadPids).toEqual([String(hr.proc.pid)]);
    expect(preloadPids).not.toContain(String(started.pid));
  });

  test("npx hotreload without Bun on PATH explains how to get it, exit 2", async () => {
    // A PATH holding node and sh (npx runs bins through a shell) and nothing else: no bun.
    const onlyNode = join(work.path, "only-node");
    mkdirSync(onlyNode, { recursive: true });
    symlinkSync(node as string, join(onlyNode, "node"));
    symlinkSync(Bun.which("sh") as string, join(onlyNode, "sh"));
    const npxCli = realpathSync(npx as string);
    const result = await run(
      [node as string, npxCli, "--no-install", "hotreload", "--version"],
      project,
      {
        PATH: onlyNode,
      },
    );
    expect(result.code).toBe(2);
    expect(result.err).toContain(
      "hotreload needs Bun (https://bun.sh), which is not installed here.",
    );
    expect(result.err).toContain("npm i -g bun");
    expect(result.err).not.toMatch(/\n\s+at /);
    expect(result.out).toBe("");
  });
});
