import { describe, expect, test } from "bun:test";
import { execForm, posixScript, shellArgv, taskkillArgv } from "../../src/run/shell-command.ts";

describe("execForm", () => {
  test.each([
    ["./bin/server", "exec ./bin/server"],
    ["  go run . --port 8080 ", "exec go run . --port 8080"],
    ['bun run "src/my server.ts" > out.log', 'exec bun run "src/my server.ts" > out.log'],
    ["PORT=8080 ./server", "PORT=8080 exec ./server"],
    ["A=1 B='x y' C=\"z\" node app.js", "A=1 B='x y' C=\"z\" exec node app.js"],
    ["exec ./server", "exec ./server"],
    ["$BIN --flag", "exec $BIN --flag"],
    ["./server 2>&1", "exec ./server 2>&1"],
    ["./server >&2 <&-", "exec ./server >&2 <&-"],
  ])("simple %p is exec'd", (command, expected) => {
    expect(execForm(command)).toBe(expected);
  });

  test.each([
    "make && ./server",
    "./a; ./b",
    "./a | tee log",
    "./a &",
    "./a 2>&1 &",
    "./a &>log",
    "cd api && ./server",
    "cd api",
    "(./server)",
    "{ ./server; }",
    "if true; then ./server; fi",
    "./server\n./other",
    "echo `date`",
    "./server --id $(cat id)",
    "PORT=1",
    "",
    "   ",
  ])("compound or unusual %p is not", (command) => {
    expect(execForm(command)).toBeNull();
  });
});

describe("posixScript", () => {
  test("with a lifeline: watcher reads fd 3, fd 3 is closed before the command", () => {
    const script = posixScript("./server", { lifeline: true });
    expect(script).toContain("<&3");
    expect(script).toContain("kill -TERM 0");
    expect(script).toContain("kill -KILL 0");
    expect(script.indexOf("exec 3<&-")).toBeLessThan(script.indexOf("exec ./server"));
    expect(script.endsWith("exec ./server")).toBe(true);
  });

  test("compound commands run under traps that exit only after the foreground command", () => {
    const script = posixScript("make && ./server", { lifeline: false });
    expect(script).not.toContain("<&3");
    expect(script).toContain("trap 'exit 143' TERM");
    expect(script).toContain("trap 'exit 130' INT");
    expect(script.trimEnd().endsWith("make && ./server")).toBe(true);
  });
});

describe("shellArgv", () => {
  test("POSIX uses sh -c", () => {
    const argv = shellArgv("./server", { platform: "darwin", lifeline: true });
    expect(argv.slice(0, 2)).toEqual(["sh", "-c"]);
  });

  test("Windows uses cmd.exe /d /s /c with the command quoted once (verbatim arguments)", () => {
    expect(
      shellArgv('go build -o "bin\\my server.exe" .', { platform: "win32", lifeline: true }),
    ).toEqual(["cmd.exe", "/d", "/s", "/c", '"go build -o "bin\\my server.exe" ."']);
  });
});

describe("taskkillArgv", () => {
  test("kills the tree, forcefully, by pid", () => {
    expect(taskkillArgv(4242)).toEqual(["taskkill", "/T", "/F", "/PID", "4242"]);
  });

  test("refuses what is not a pid", () => {
    expect(() => taskkillArgv(0)).toThrow(RangeError);
    expect(() => taskkillArgv(1.5)).toThrow(RangeError);
  });
});
