import { describe, expect, test } from "bun:test";
import { createPathFilter, type FilterOptions } from "../../src/watch/filter.ts";

const ROOT = "/project";

function make(options: Partial<FilterOptions> = {}, gitignores: Record<string, string> = {}) {
  const filter = createPathFilter({
    root: ROOT,
    ext: [],
    ignorePatterns: [],
    alwaysIgnore: [],
    ...options,
  });
  for (const [dir, text] of Object.entries(gitignores)) {
    if (dir === "info/exclude") filter.setInfoExclude(text);
    else filter.setGitignore(dir, text);
  }
  return filter;
}

type Case = [path: string, isDir: boolean, ignored: boolean];

function check(filter: ReturnType<typeof make>, cases: Case[]) {
  const wrong = cases.filter(([path, isDir, ignored]) => filter.ignores(path, isDir) !== ignored);
  expect(
    wrong.map(
      ([path, isDir, ignored]) =>
        `${path}${isDir ? "/" : ""}: expected ${ignored ? "ignored" : "watched"}, reason=${filter.reason(path, isDir)}`,
    ),
  ).toEqual([]);
}

describe("ext", () => {
  test.each([
    [[".go"], "main.go", false],
    [["go"], "main.go", false],
    [["GO", ".mod"], "go.mod", false],
    [[".go"], "README.md", true],
    [[".go"], "Makefile", true],
    [[".ts"], "types.d.ts", false],
    [[], "README.md", false],
    [[], "Makefile", false],
  ] as const)("ext %p with %s → ignored=%p", (ext, path, ignored) => {
    expect(make({ ext }).ignores(path, false)).toBe(ignored);
  });

  test("directories are never filtered by ext", () => {
    expect(make({ ext: [".go"] }).ignores("cmd", true)).toBe(false);
  });

  test("reason names the extension and the list", () => {
    expect(make({ ext: ["go", ".mod"] }).reason("docs/README.md")).toBe(
      "extension .md not in ext (.go, .mod)",
    );
  });
});

describe("always ignored", () => {
  test.each([
    [".git", true, true],
    [".git/HEAD", false, true],
    ["sub/.git/config", false, true],
    [".gitignore", false, false],
    [".hotreload.yaml", false, false],
    [".hotreload.yml", false, false],
    ["bin", true, true],
    ["bin/server", false, true],
    ["binary.go", false, false],
    ["cache/x/y", false, true],
    ["outside", true, false],
  ] as const)("%s (dir=%p) → ignored=%p", (path, isDir, ignored) => {
    const filter = make({ alwaysIgnore: [`${ROOT}/bin`, `${ROOT}/cache/x`, "/elsewhere/outside"] });
    expect(filter.ignores(path, isDir)).toBe(ignored);
  });

  test("reason for build output", () => {
    const filter = make({ alwaysIgnore: [`${ROOT}/bin`] });
    expect(filter.reason("bin/server")).toBe("always ignored: bin (build output or cache)");
  });
});

describe("defaults", () => {
  const cases: Case[] = [
    ["node_modules", true, true],
    ["web/node_modules/react/index.js", false, true],
    ["vendor/github.com/x/y.go", false, true],
    ["main.go.swp", false, true],
    [".main.go.swp", false, true],
    ["main.go.swx", false, true],
    ["main.go~", false, true],
    ["4913", false, true],
    ["src/4913", false, true],
    [".#main.go", false, true],
    ["#main.go#", false, true],
    ["main.go___jb_tmp___", false, true],
    ["main.go___jb_old___", false, true],
    [".DS_Store", false, true],
    ["sub/.DS_Store", false, true],
    ["main.go", false, false],
    ["node_modules.go", false, false],
    ["vendored", true, false],
  ];
  test("table", () => check(make(), cases));
  test("can be turned off", () => {
    expect(make({ defaults: false }).ignores("node_modules", true)).toBe(false);
  });
});

describe("ignore_patterns (picomatch, relative to root)", () => {
  const filter = make({ ignorePatterns: ["**/*_test.go", "tmp/**", "*.log", "docs/", "/gen"] });
  const cases: Case[] = [
    ["a_test.go", false, true],
    ["pkg/a_test.go", false, true],
    ["pkg/a.go", false, false],
    ["tmp", true, true],
    ["tmp/x/y.go", false, true],
    ["src/tmp/y.go", false, false],
    ["server.log", false, true],
    ["deep/er/server.log", false, true],
    ["docs", true, true],
    ["docs/a.md", false, true],
    ["docs", false, false],
    ["gen/a.go", false, true],
  ];
  test("table", () => check(filter, cases));
  test("reason quotes the pattern", () => {
    expect(filter.reason("pkg/a_test.go")).toBe("ignore_patterns `**/*_test.go`");
  });
});

describe(".gitignore semantics", () => {
  test("anchored, dir-only, ** and negation in the root file", () => {
    const filter = make(
      {},
      { "": "/build\ndist/\n**/logs/**\n*.log\n!keep.log\nfoo/**/bar\n# comment\n\n" },
    );
    check(filter, [
      ["build", true, true],
      ["build", false, true],
      ["sub/build", true, false],
      ["dist", true, true],
      ["dist", false, false],
      ["dist/app.js", false, true],
      ["a/dist/app.js", false, true],
      ["logs/x.txt", false, true],
      ["a/b/logs/x.txt", false, true],
      ["x.log", false, true],
      ["keep.log", false, false],
      ["sub/keep.log", false, false],
      ["foo/bar", false, true],
      ["foo/a/b/bar", false, true],
      ["foo/a/b/baz", false, false],
      ["# comment", false, false],
    ]);
  });

  test("a subdirectory's .gitignore applies relative to it and overrides the root", () => {
    const filter = make({}, { "": "*.gen.go\n", api: "/local.txt\n!special.gen.go\nout/\n" });
    check(filter, [
      ["a.gen.go", false, true],
      ["api/a.gen.go", false, true],
      ["api/special.gen.go", false, false],
      ["special.gen.go", false, true],
      ["api/local.txt", false, true],
      ["api/deeper/local.txt", false, false],
      ["local.txt", false, false],
      ["api/out/x", false, true],
      ["api/v2/out/x", false, true],
      ["out/x", false, false],
    ]);
  });

  test("a file cannot be re-included when its parent directory is excluded", () => {
    const filter = make({}, { "": "secret/\n!secret/keep.go\nlib/*\n!lib/keep.go\n" });
    check(filter, [
      ["secret/keep.go", false, true],
      ["secret/other.go", false, true],
      // `lib/*` excludes the children, not the directory: re-including one works.
      ["lib/keep.go", false, false],
      ["lib/other.go", false, true],
    ]);
  });

  test("a nested .gitignore cannot re-include inside a directory its parent excluded", () => {
    const filter = make({}, { "": "gen/\n", gen: "!*.go\n" });
    check(filter, [["gen/a.go", false, true]]);
  });

  test(".git/info/exclude applies with lowest precedence", () => {
    const filter = make({}, { "info/exclude": "*.local\nnotes/\n", "": "!keep.local\n" });
    check(filter, [
      ["x.local", false, true],
      ["notes/a.md", false, true],
      ["keep.local", false, false],
    ]);
    expect(filter.reason("x.local")).toBe("ignored by .git/info/exclude:1 `*.local`");
  });

  test("reason names file, line and pattern; ancestors explain their children", () => {
    const filter = make({}, { "": "# build output\n\ndist/\n", web: "*.map\n" });
    expect(filter.reason("dist/app.js")).toBe("ignored by .gitignore:3 `dist/`");
    expect(filter.reason("web/app.js.map")).toBe("ignored by web/.gitignore:1 `*.map`");
    expect(filter.reason("web/app.js")).toBeNull();
  });

  test("changing or removing a .gitignore changes the verdicts (cache is dropped)", () => {
    const filter = make({}, { "": "gen/\n" });
    expect(filter.ignores("gen/a.go", false)).toBe(true);
    filter.setGitignore("", "other/\n");
    expect(filter.ignores("gen/a.go", false)).toBe(false);
    expect(filter.ignores("other/a.go", false)).toBe(true);
    filter.setGitignore("", null);
    expect(filter.ignores("other/a.go", false)).toBe(false);
  });

  test("CRLF line endings", () => {
    check(make({}, { "": "dist/\r\n*.tmp\r\n" }), [
      ["dist/a", false, true],
      ["a.tmp", false, true],
    ]);
  });
});

test("the order of checks gives the most specific reason", () => {
  const filter = make(
    { ext: [".go"], ignorePatterns: ["gen/**"], alwaysIgnore: [`${ROOT}/bin`] },
    { "": "*.md\n" },
  );
  expect(filter.reason("main.go")).toBeNull();
  expect(filter.reason(".git/HEAD")).toBe("inside .git/");
  expect(filter.reason("node_modules/x/a.go")).toBe("default ignore: node_modules/");
  expect(filter.reason("gen/a.go")).toBe("ignore_patterns `gen/**`");
  expect(filter.reason("a.go~")).toBe("default ignore: editor or OS file `*~`");
  expect(filter.reason("README.md")).toBe("ignored by .gitignore:1 `*.md`");
  expect(filter.reason("main.rs")).toBe("extension .rs not in ext (.go)");
});

test("ignores() (the walk's fast path, cheapest checks first) agrees with reason() on every path", () => {
  const filter = make(
    {
      ext: [".go", "MOD"],
      ignorePatterns: ["gen/**", "*.pb.go", "tmp/"],
      alwaysIgnore: [`${ROOT}/bin`, `${ROOT}/out/app.go`],
    },
    { "": "*.md\n!keep.md\nsecret.go\n", sub: "!secret.go\nlocal.go\n", "info/exclude": "x.go\n" },
  );
  const names = ["a.go", "A.GO", "go.mod", "README.md", "keep.md", "secret.go", "local.go"];
  const more = ["x.go", "a.go~", "4913", ".#a.go", "a.go.swp", "m.pb.go", ".git", "app.go"];
  const dirs = ["", "sub", "sub/deep", "gen", "tmp", "bin", "out", "node_modules/m", ".git"];
  let checked = 0;
  for (const dir of dirs) {
    for (const name of [...names, ...more]) {
      const rel = dir === "" ? name : `${dir}/${name}`;
      expect({ rel, ignored: filter.ignores(rel, false) }).toEqual({
        rel,
        ignored: filter.reason(rel, false) !== null,
      });
      checked++;
    }
  }
  expect(checked).toBe(dirs.length * (names.length + more.length));
  // Both outcomes occur, so the comparison can fail either way.
  expect(filter.ignores("sub/secret.go", false)).toBe(false);
  expect(filter.ignores("secret.go", false)).toBe(true);
});
