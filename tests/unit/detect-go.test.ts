/** Go detection on real temp trees: main package, cmd/<name>, go.mod above, go.work, replace. */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { directiveArgs } from "../../src/config/detect/go.ts";
import { detectProject } from "../../src/config/detect/index.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const main = "package main\n\nfunc main() {}\n";
const cache = "/cache";

describe("Go detection", () => {
  test("a main package in the root builds `.` into the cache; tests and testdata never trigger", () => {
    using dir = tempDir();
    dir.write("go.mod", "module example.com/app\n\ngo 1.21\n");
    dir.write("main.go", main);
    const d = detectProject(dir.path, { cacheDir: cache })!;
    expect(d.label).toBe("Go module example.com/app");
    expect(d.build).toBe("go build -o /cache/server .");
    expect(d.exec).toBe("/cache/server");
    expect(d.ignore).toEqual(["**/*_test.go", "**/testdata/**"]);
    expect(d.outputs).toEqual([cache]);
  });

  test("one main package under cmd/ is built; several need an entry and list the choices", () => {
    using dir = tempDir();
    dir.write("go.mod", "module example.com/app\n");
    dir.write("cmd/api/main.go", main);
    dir.write("internal/store/store.go", "package store\n");
    expect(detectProject(dir.path, { cacheDir: cache })?.build).toBe(
      "go build -o /cache/api ./cmd/api",
    );
    dir.write("cmd/worker/main.go", main);
    dir.write("cmd/notmain/lib.go", "package notmain\n");
    const several = detectProject(dir.path, { cacheDir: cache })!;
    expect(several.exec).toBeNull();
    expect(several.choices).toEqual(["./cmd/api", "./cmd/worker"]);
    expect(several.warnings[0]).toContain("entry: ./cmd/api");
    const picked = detectProject(dir.path, { cacheDir: cache, entry: "cmd/worker" })!;
    expect(picked.build).toBe("go build -o /cache/worker ./cmd/worker");
    expect(picked.exec).toBe("/cache/worker");
  });

  test("a directory inside a module finds the go.mod above it and watches the module", () => {
    using dir = tempDir();
    dir.write("go.mod", "module example.com/app\n");
    dir.write("cmd/api/main.go", main);
    const d = detectProject(join(dir.path, "cmd/api"), { cacheDir: cache })!;
    expect(d.label).toBe("Go module example.com/app");
    expect(d.build).toBe("go build -o /cache/server .");
    expect(d.watch).toEqual([dir.path]);
  });

  test("local replace targets outside the root are watch paths; module paths are not", () => {
    using dir = tempDir();
    dir.write("lib/go.mod", "module example.com/lib\n");
    dir.write(
      "app/go.mod",
      [
        "module example.com/app",
        "replace example.com/lib => ../lib",
        "replace (",
        "  example.com/other v1.0.0 => example.com/fork v1.1.0 // not local",
        "  example.com/inner => ./third_party/inner",
        ")",
      ].join("\n"),
    );
    dir.write("app/main.go", main);
    const d = detectProject(join(dir.path, "app"), { cacheDir: cache })!;
    expect(d.watch).toEqual([join(dir.path, "lib")]);
  });

  test("a go.work root builds the workspace's main package and watches use dirs outside it", () => {
    using dir = tempDir();
    dir.write("shared/go.mod", "module example.com/shared\n");
    dir.write("ws/go.work", "go 1.21\n\nuse (\n  ./api\n  ./lib\n  ../shared\n)\n");
    dir.write("ws/api/go.mod", "module example.com/api\n");
    dir.write("ws/api/main.go", main);
    dir.write("ws/lib/go.mod", "module example.com/lib\n");
    dir.write("ws/lib/lib.go", "package lib\n");
    const d = detectProject(join(dir.path, "ws"), { cacheDir: cache })!;
    expect(d.label).toBe("Go workspace (3 modules) (api)");
    expect(d.build).toBe("go build -o /cache/api ./api");
    expect(d.watch).toEqual([join(dir.path, "shared")]);
  });

  test("directive arguments in one-line and block forms, comments dropped", () => {
    expect(directiveArgs("use ./a // x\nuse (\n\t./b\n\n\t./c\n)\n", "use")).toEqual([
      "./a",
      "./b",
      "./c",
    ]);
  });
});
