/**
 * Extra watch directories outside the root (`watch:` and `--watch`): a change there
 * rebuilds, with a path that says where the file is, and the root's filters apply.
 */
import { expect, test } from "bun:test";
import { join } from "node:path";
import { startHotreload } from "../helpers/hotreload-process.ts";
import { tempDir } from "../helpers/temp-dir.ts";

test("a change in a `watch` directory outside the root rebuilds; --watch adds one; filters apply", async () => {
  using dir = tempDir();
  dir.write("app/main.txt", "main\n");
  dir.write("shared/lib.txt", "v1\n");
  dir.write("other/util.txt", "v1\n");
  dir.write(
    "app/.hotreload.yaml",
    [
      "build: echo building",
      'exec: echo "up"; exec sleep 300',
      "ext: [.txt]",
      "watch: [../shared]",
      "",
    ].join("\n"),
  );
  await using hr = startHotreload(["--watch", "../other"], { cwd: join(dir.path, "app") });
  await hr.waitFor("watch.ready");
  await hr.waitFor("process.started");
  expect(hr.count("build.started")).toBe(1);

  dir.write("shared/lib.txt", "v2\n");
  const shared = await hr.waitFor("changes", (e) =>
    e.changes.some((c) => c.path === "../shared/lib.txt"),
  );
  expect(shared.changes).toEqual([{ path: "../shared/lib.txt", kind: "modify" }]);
  await hr.waitFor("build.started", (e) => e.seq === 2);

  dir.write("other/util.txt", "v2\n");
  await hr.waitFor("changes", (e) => e.changes.some((c) => c.path === "../other/util.txt"));
  await hr.waitFor("build.started", (e) => e.seq === 3);

  // Same filters as the root: not in ext, so ignored, and said with the unambiguous path.
  dir.write("shared/notes.md", "x\n");
  const ignored = await hr.waitFor("changes.ignored", (e) =>
    e.paths.includes("../shared/notes.md"),
  );
  expect(ignored.reason).toContain("not in ext");
  expect(hr.count("build.started")).toBe(3);
}, 60_000);

test("a `watch` directory inside an ignored one (vendor/) is watched; one the root already watches is not watched twice", async () => {
  using dir = tempDir();
  dir.write("main.txt", "main\n");
  dir.write("vendor/lib/lib.txt", "v1\n");
  dir.write("src/util.txt", "v1\n");
  dir.write(
    ".hotreload.yaml",
    [
      "build: echo building",
      'exec: echo "up"; exec sleep 300',
      "ext: [.txt]",
      "watch: [vendor/lib, src]",
      "",
    ].join("\n"),
  );
  await using hr = startHotreload([], { cwd: dir.path });
  await hr.waitFor("process.started");

  dir.write("vendor/lib/lib.txt", "v2\n");
  const vendored = await hr.waitFor("changes", (e) =>
    e.changes.some((c) => c.path === "vendor/lib/lib.txt"),
  );
  expect(vendored.changes).toEqual([{ path: "vendor/lib/lib.txt", kind: "modify" }]);
  await hr.waitFor("build.started", (e) => e.seq === 2);

  dir.write("src/util.txt", "v2\n");
  await hr.waitFor("build.started", (e) => e.seq === 3);
  await hr.waitFor("reload.done", (e) => e.seq === 3);
  // One batch for src/util.txt, not one from the root and one from a second pipeline.
  const batches = hr.events.filter(
    (e) => e.type === "changes" && e.changes.some((c) => c.path === "src/util.txt"),
  );
  expect(batches.length).toBe(1);
  expect(hr.count("build.started")).toBe(3);
}, 60_000);
