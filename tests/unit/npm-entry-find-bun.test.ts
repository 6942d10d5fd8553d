/** Where the npm entry (bin/hotreload.js) finds Bun, per platform, on a given file system. */
import { expect, test } from "bun:test";
// @ts-expect-error plain JavaScript shipped in bin/, typed by its JSDoc only
import { findBun } from "../../bin/find-bun.js";

const fs = (...files: string[]) => {
  const set = new Set(files);
  return (path: string) => set.has(path);
};

test("under Bun: the running executable, whatever PATH holds", () => {
  expect(
    findBun({ platform: "linux", env: { PATH: "" }, bunExecPath: "/opt/bun", exists: fs() }),
  ).toBe("/opt/bun");
});

test("POSIX: the first bun on PATH; none is null", () => {
  const env = { PATH: "/usr/bin:/home/a/.bun/bin:/usr/local/bin" };
  const exists = fs("/home/a/.bun/bin/bun", "/usr/local/bin/bun");
  expect(findBun({ platform: "darwin", env, exists })).toBe("/home/a/.bun/bin/bun");
  expect(findBun({ platform: "linux", env, exists: fs() })).toBeNull();
});

test("Windows: bun.exe on Path (installer, scoop), Path spelled as Windows does", () => {
  const env = { Path: "C:\\Windows\\system32;C:\\Users\\a\\.bun\\bin\\" };
  const exists = fs("C:\\Users\\a\\.bun\\bin\\bun.exe");
  expect(findBun({ platform: "win32", env, exists })).toBe("C:\\Users\\a\\.bun\\bin\\bun.exe");
});

test("Windows: npm's bun.cmd shim resolves to the bun.exe it would start", () => {
  const npmDir = "C:\\Users\\a\\AppData\\Roaming\\npm";
  const env = { PATH: `C:\\Windows;"${npmDir}"` };
  const exists = fs(`${npmDir}\\bun.cmd`, `${npmDir}\\node_modules\\bun\\bin\\bun.exe`);
  expect(findBun({ platform: "win32", env, exists })).toBe(
    `${npmDir}\\node_modules\\bun\\bin\\bun.exe`,
  );
});

test("Windows: a shim of another layout is returned for cmd.exe; a later bun.exe wins", () => {
  const env = { Path: "C:\\pnpm;C:\\tools" };
  expect(findBun({ platform: "win32", env, exists: fs("C:\\pnpm\\bun.cmd") })).toBe(
    "C:\\pnpm\\bun.cmd",
  );
  expect(
    findBun({ platform: "win32", env, exists: fs("C:\\pnpm\\bun.cmd", "C:\\tools\\bun.exe") }),
  ).toBe("C:\\tools\\bun.exe");
  expect(findBun({ platform: "win32", env, exists: fs() })).toBeNull();
});
