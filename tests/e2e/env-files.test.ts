/**
 * Env files end to end: precedence layer by layer, an edit restarts without a rebuild (the
 * file git-ignored and outside `ext`), a removed key is gone, and values are never printed.
 */
import { expect, test } from "bun:test";
import { renameSync } from "node:fs";
import { join } from "node:path";
import { startHotreload } from "../helpers/hotreload-process.ts";
import { runToEnd } from "../helpers/run-processes.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const SECRET = "s3cr3t";
const MAIN = join(import.meta.dir, "..", "..", "src", "main.ts");

test("precedence: inherited < env_file in order < --env-file < env: < --env", async () => {
  using dir = tempDir();
  dir.write("app.sh", 'echo "V1=$V1 V2=$V2 V3=$V3 V4=$V4 V5=$V5 V6=$V6"; exec sleep 300\n');
  dir.write("one.env", `V2=one-${SECRET}\nV3=one\nV4=one\nV5=one\nV6=one\n`);
  dir.write("two.env", "V3=two\nV4=two\nV5=two\nV6=two\n");
  dir.write("three.env", "V4=three\nV5=three\nV6=three\n");
  dir.write(
    ".hotreload.yaml",
    "exec: sh app.sh\nenv_file: [one.env, two.env]\nenv:\n  V5: config\n  V6: config\n",
  );
  const inherited = Object.fromEntries([1, 2, 3, 4, 5, 6].map((i) => [`V${i}`, "inherited"]));
  await using hr = startHotreload(["--env-file", "three.env", "--env", "V6=flag"], {
    cwd: dir.path,
    env: inherited,
  });
  await hr.waitFor(
    "log",
    (e) => e.line === `V1=inherited V2=one-${SECRET} V3=two V4=three V5=config V6=flag`,
  );
  const check = await runToEnd([process.execPath, MAIN, "check", "--env-file", "three.env"], {
    cwd: dir.path,
    env: { ...process.env, NO_COLOR: "1" },
  });
  expect(check.code).toBe(0);
  expect(check.stdout).toContain("# env file one.env: V2, V3, V4, V5, V6");
  expect(check.stdout).not.toContain(SECRET);
}, 60_000);

test("an env file edit restarts without a rebuild, even git-ignored and outside ext; a removed key is gone; values are never printed", async () => {
  using dir = tempDir();
  dir.write("app.sh", 'echo "A=$A B=$B"; exec sleep 300\n');
  dir.write("app.env", `A=1\nB=${SECRET}\n`);
  dir.write(".gitignore", "app.env\n");
  dir.write(
    ".hotreload.yaml",
    "build: echo building\nexec: sh app.sh\next: [.sh]\nenv_file: app.env\n",
  );
  await using hr = startHotreload([], {
    cwd: dir.path,
    env: { HOTRELOAD_LOG_LEVEL: "debug" },
  });
  await hr.waitFor("log", (e) => e.line === `A=1 B=${SECRET}`);
  await hr.waitFor("reload.done");
  expect(hr.count("build.started")).toBe(1);

  dir.write("app.env", "A=2\n");
  await hr.waitFor("log", (e) => e.line === "A=2 B=");
  const said = await hr.waitFor("notice", (e) => e.message.includes("app.env changed"));
  expect(said.message).toBe("app.env changed (removed B; changed A): restarting without a rebuild");
  await hr.waitFor("changes", (e) => e.changes.some((c) => c.path === "app.env"));

  // An editor's atomic save: write a temp file, rename it over.
  dir.write("app.env.tmp", "A=3\nC=new\n");
  renameSync(join(dir.path, "app.env.tmp"), join(dir.path, "app.env"));
  await hr.waitFor("log", (e) => e.line === "A=3 B=");
  expect(hr.count("build.started")).toBe(1);

  // Nothing but the app itself ever shows a value: not the events, not the debug log.
  const ours = hr.events.filter((e) => !(e.type === "log" && e.stream === "app"));
  expect(JSON.stringify(ours)).not.toContain(SECRET);
  expect(hr.stderr.join("\n")).not.toContain(SECRET);
  expect(hr.stderr.join("\n")).toContain("env files: app.env (A, B)");
}, 60_000);
