/**
 * The root deleted or replaced while hotreload runs: one line says so, nothing is built or
 * started in the missing directory (no `ENOENT posix_spawn 'sh'`, no crash), and watching
 * resumes when the directory is back.
 */
import { expect, test } from "bun:test";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startHotreload } from "../helpers/hotreload-process.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const server = (name: string) =>
  `echo "up ${name} $(cat a.txt)"; trap 'exit 0' TERM; while :; do sleep 0.05; done\n`;

function project(dir: string, name: string) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "server.sh"), server(name));
  writeFileSync(join(dir, "a.txt"), "1");
}

const upLine = (text: string) => (e: { line: string }) => e.line.startsWith(text);

/** hotreload on `<parent>/proj`, a project named `name`. */
function startOn(parent: string, name: string) {
  const root = join(parent, "proj");
  project(root, name);
  const hr = startHotreload(["--exec", "sh server.sh", "--ext", "txt,sh"], {
    cwd: root,
    env: { XDG_STATE_HOME: join(parent, ".state") },
  });
  return { root, hr };
}

test("deleted, then created again: said once, nothing started meanwhile, watching resumes", async () => {
  using parent = tempDir();
  const { root, hr: started } = startOn(parent.path, "one");
  await using hr = started;
  await hr.waitFor("log", upLine("up one 1"), 30_000);
  rmSync(root, { recursive: true, force: true });
  const gone = await hr.waitFor("watch.root-gone", undefined, 10_000);
  expect(gone).toMatchObject({ root, reason: "deleted" });
  const since = hr.events.length;
  project(root, "two");
  await hr.waitFor("watch.root-back", undefined, 10_000, since);
  await hr.waitFor("log", upLine("up two 1"), 20_000, since);
  // Watching again: an edit in the new directory restarts the server.
  writeFileSync(join(root, "a.txt"), "2");
  await hr.waitFor("log", upLine("up two 2"), 20_000, since);
  expect(hr.count("watch.root-gone")).toBe(1);
  const text = JSON.stringify(hr.events) + hr.stderr.join("\n");
  expect(text).not.toContain("posix_spawn");
  expect(text).not.toContain("crashed");
  expect(hr.events.filter((e) => e.type === "build.started")).toHaveLength(0);
}, 90_000);

test("replaced by another directory (mv new proj): watched anew, the new code runs", async () => {
  using parent = tempDir();
  const { root, hr: started } = startOn(parent.path, "old");
  await using hr = started;
  await hr.waitFor("log", upLine("up old 1"), 30_000);
  const fresh = join(parent.path, "proj.new");
  project(fresh, "new");
  rmSync(root, { recursive: true, force: true });
  renameSync(fresh, root);
  const since = hr.events.length;
  await hr.waitFor("watch.root-back", undefined, 10_000, since);
  await hr.waitFor("log", upLine("up new 1"), 20_000, since);
  writeFileSync(join(root, "a.txt"), "3");
  await hr.waitFor("log", upLine("up new 3"), 20_000, since);
  expect(JSON.stringify(hr.events)).not.toContain("posix_spawn");
}, 90_000);

test("with services: the shared root deleted stops them, and when it is back they start again", async () => {
  using parent = tempDir();
  const root = join(parent.path, "proj");
  project(root, "one");
  const service = (name: string) => [
    `  ${name}:`,
    "    root: proj",
    `    exec: sh server.sh ${name}`,
    '    ext: [".txt", ".sh"]',
  ];
  writeFileSync(
    join(parent.path, ".hotreload.yaml"),
    ["notifications: { enabled: false }", "services:", ...service("a"), ...service("b")].join("\n"),
  );
  await using hr = startHotreload([], {
    cwd: parent.path,
    env: { XDG_STATE_HOME: join(parent.path, ".state") },
  });
  await hr.waitFor("log", (e) => e.service === "a" && e.line.startsWith("up one 1"), 30_000);
  await hr.waitFor("log", (e) => e.service === "b" && e.line.startsWith("up one 1"), 30_000);
  rmSync(root, { recursive: true, force: true });
  await hr.waitFor("watch.root-gone", undefined, 10_000);
  const since = hr.events.length;
  project(root, "two");
  await hr.waitFor("watch.root-back", undefined, 10_000, since);
  for (const name of ["a", "b"])
    await hr.waitFor(
      "log",
      (e) => e.service === name && e.line.startsWith("up two 1"),
      20_000,
      since,
    );
  const text = JSON.stringify(hr.events) + hr.stderr.join("\n");
  expect(text).not.toContain("posix_spawn");
  expect(hr.events.filter((e) => e.type === "crash.backoff")).toHaveLength(0);
}, 90_000);
