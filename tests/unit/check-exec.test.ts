/** `check`'s look at exec, on real files: missing commands, missing or non-executable paths. */

import { describe, expect, test } from "bun:test";
import { chmodSync } from "node:fs";
import { scanTriggers } from "../../src/cli/check-triggers.ts";
import { execProblem, programOf } from "../../src/cli/exec-resolves.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const none = () => null;

describe("exec resolves to a command", () => {
  test("the program word comes after env assignments, env and exec", () => {
    expect(programOf("PORT=1 exec env A=b ./server --x")).toBe("./server");
    expect(programOf('"./my server" -v')).toBe("./my server");
  });

  test("a bare name must be on PATH; the project's own tool gets a hint", () => {
    using dir = tempDir();
    expect(execProblem("sh -c x", { root: dir.path, build: null })).toBeNull();
    const missing = execProblem("tsx src/x.ts", { root: dir.path, build: null, which: none });
    expect(missing?.message).toContain('"command not found"');
    dir.write("node_modules/.bin/tsx", "");
    expect(
      execProblem("tsx src/x.ts", { root: dir.path, build: null, which: none })?.hint,
    ).toContain("./node_modules/.bin/tsx");
  });

  test("a path must exist (unless a build may create it) and be executable", () => {
    using dir = tempDir();
    expect(execProblem("./bin/server", { root: dir.path, build: null })?.message).toContain(
      "does not exist",
    );
    expect(execProblem("./bin/server", { root: dir.path, build: "make" })).toBeNull();
    const file = dir.write("bin/server", "#!/bin/sh\n");
    expect(execProblem("./bin/server", { root: dir.path, build: null })?.message).toContain(
      "not executable",
    );
    chmodSync(file, 0o755);
    expect(execProblem("./bin/server", { root: dir.path, build: null })).toBeNull();
    expect(execProblem('"$HOME/x"', { root: dir.path, build: null })).toBeNull();
  });
});

test("which files trigger: the watcher's filter, with the reason for those that never do", () => {
  using dir = tempDir();
  dir.write("main.go", "");
  dir.write("main_test.go", "");
  dir.write("README.md", "");
  dir.write("node_modules/x/index.js", "");
  dir.write(".gitignore", "tmp/\n");
  dir.write("tmp/out.go", "");
  const scan = scanTriggers({
    root: dir.path,
    ext: [".go"],
    ignorePatterns: ["**/*_test.go"],
    alwaysIgnore: [],
  });
  expect(scan.triggers).toEqual(["main.go"]);
  expect(Object.fromEntries(scan.ignored)).toEqual({
    "extension not in ext": [".gitignore", "README.md"],
    "ignore_patterns `**/*_test.go`": ["main_test.go"],
    "default ignore: node_modules/": ["node_modules/"],
    "ignored by .gitignore:1 `tmp/`": ["tmp/"],
  });
});
