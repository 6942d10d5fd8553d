import { expect, test } from "bun:test";
import { createBuildExcerpt, editorHref, editorLinks } from "../../src/dashboard/build-excerpt.ts";
import { commandResult } from "../../src/dashboard/command-result.ts";

test("a long build output keeps its first and last lines and counts what is left out", () => {
  const excerpt = createBuildExcerpt(3, 2);
  for (let i = 1; i <= 10; i++) excerpt.add(`line ${i}`);
  expect(excerpt.take()).toEqual({
    head: ["line 1", "line 2", "line 3"],
    omitted: 5,
    tail: ["line 9", "line 10"],
  });
  excerpt.reset();
  excerpt.add("only");
  expect(excerpt.take()).toEqual({ head: ["only"], omitted: 0, tail: [] });
});

test("file:line:col of existing files become editor links; colours and missing files do not", () => {
  const exists = (path: string) => path === "/p/src/main.go" || path === "/abs/x y.ts";
  const links = editorLinks(
    [
      "\x1b[1msrc/main.go:12:5\x1b[0m: undefined: x",
      "listening on 127.0.0.1:8080",
      "gone.go:1:1: nope",
      "/abs/x y.ts:3:1",
    ],
    { template: "vscode://file/{file}:{line}:{col}", root: "/p", exists },
  );
  expect(links).toEqual([{ text: "src/main.go:12:5", href: "vscode://file/p/src/main.go:12:5" }]);
  expect(editorLinks(["src/main.go:1"], { template: "", root: "/p", exists })).toEqual([]);
  expect(
    editorLinks(["src/main.go:7"], {
      template: "idea://open?file={file}&line={line}",
      root: "/p",
      exists,
    }),
  ).toEqual([{ text: "src/main.go:7", href: "idea://open?file=/p/src/main.go&line=7" }]);
});

test("{file} is the absolute path, never with a doubled slash", () => {
  const template = "vscode://file/{file}:{line}:{col}";
  expect(editorHref(template, "/home/me/a b.go", 3, 1)).toBe("vscode://file/home/me/a%20b.go:3:1");
  expect(editorHref(template, "C:\\src\\main.go", 3, 2)).toBe("vscode://file/C:/src/main.go:3:2");
});

test("a command's result is what the engine did while running it", () => {
  const t = 0;
  expect(
    commandResult("rebuild", [
      { type: "build.cancelled", seq: 3, reason: "rebuild requested", time: t },
      { type: "build.started", seq: 4, command: "b", reason: "rebuild requested", time: t },
    ]),
  ).toBe("build #3 cancelled, build #4 started");
  expect(
    commandResult("restart", [{ type: "process.stopping", pid: 9, signal: "SIGTERM", time: t }]),
  ).toBe("stopping pid 9");
  expect(commandResult("stop", [])).toBe("nothing to stop: no server is running");
});
