/** The GitHub Actions workflows parse and hold the jobs and steps a release depends on. */
import { expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

const top = join(import.meta.dir, "..", "..");

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, { "runs-on": string; steps: Step[] }>;
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

test("ci.yml runs .ci/run on push and pull requests", () => {
  const ci = load("ci.yml");
  expect(Object.keys(ci.on).sort()).toEqual(["pull_request", "push"]);
  const steps = ci.jobs.test?.steps ?? [];
  stepIndex(steps, (s) => s.uses?.startsWith("actions/checkout@") ?? false, "checkout");
  stepIndex(steps, (s) => s.run === "bash .ci/run", "bash .ci/run");
  expect(existsSync(join(top, ".ci", "run"))).toBe(true);
});

test("release.yml: on v* tags, checkout → bun → deps → tests → build → binary e2e → release → upload", () => {
  const release = load("release.yml");
  expect(release.on).toEqual({ push: { tags: ["v*"] } });
  expect(release.permissions?.contents).toBe("write");
  const steps = release.jobs.release?.steps ?? [];
  const order = [
    stepIndex(steps, (s) => s.uses?.startsWith("actions/checkout@") ?? false, "checkout"),
    stepIndex(steps, (s) => s.uses?.startsWith("oven-sh/setup-bun@") ?? false, "setup-bun"),
    stepIndex(steps, (s) => s.run === "bun install --frozen-lockfile", "install"),
    stepIndex(steps, (s) => s.run === "bash .ci/run", "test command"),
    stepIndex(steps, (s) => s.run === "bun run build", "build"),
    stepIndex(
      steps,
      (s) =>
        s.run === "bun test tests/e2e/binary.test.ts" &&
        s.env?.HOTRELOAD_TEST_BINARY === "dist/hotreload-linux-x64",
      "binary e2e against dist/hotreload-linux-x64",
    ),
    stepIndex(steps, (s) => s.run === "bun run release", "release"),
    stepIndex(steps, (s) => s.run?.startsWith("gh release create") ?? false, "upload"),
  ];
  expect(order).toEqual([...order].sort((a, b) => a - b));
  const upload = steps[order.at(-1) as number] as Step;
  for (const asset of [
    "dist/hotreload-*",
    "dist/SHA256SUMS",
    "dist/release/hotreload.rb",
    "dist/release/hotreload.json",
    "--notes-file dist/release/NOTES.md",
  ])
    expect(upload.run).toContain(asset);
  expect(upload.env?.GH_TOKEN).toBe(["$", "{{ github.token }}"].join(""));
});

test("package.json has the scripts the workflows call", () => {
  const pkg = JSON.parse(readFileSync(join(top, "package.json"), "utf8"));
  expect(pkg.scripts.build).toBe("bun scripts/build.ts");
  expect(pkg.scripts.release).toBe("bun scripts/release.ts");
  expect(existsSync(join(top, "scripts", "release.ts"))).toBe(true);
});
