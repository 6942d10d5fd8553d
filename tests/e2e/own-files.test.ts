/**
 * hotreload never reacts to its own files: with XDG_STATE_HOME and XDG_CACHE_HOME inside
 * the project (a container that mounts everything under one folder, say), the pidfile it
 * writes on every start must not trigger another restart.
 */
import { expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startHotreload } from "../helpers/hotreload-process.ts";
import { tempDir } from "../helpers/temp-dir.ts";

test("state and cache inside the project: the pidfile written at each start is ignored", async () => {
  using dir = tempDir();
  dir.write("app.sh", "echo started; exec sleep 300\n");
  await using hr = startHotreload(["--exec", "sh app.sh", "--no-notifications"], {
    cwd: dir.path,
    env: { XDG_STATE_HOME: join(dir.path, ".state"), XDG_CACHE_HOME: join(dir.path, ".cache") },
  });
  await hr.waitFor("process.started");
  for (let round = 1; round <= 3; round++) {
    const from = hr.events.length;
    writeFileSync(join(dir.path, "app.sh"), `echo started ${round}; exec sleep 300\n`);
    const change = await hr.waitFor("changes", undefined, 10_000, from);
    // The first batch after an edit is that edit; a loop would show the pidfile here.
    expect(change.changes.map((c) => c.path)).toEqual(["app.sh"]);
    await hr.waitFor("process.started", undefined, 10_000, from);
  }
  // And the restart it caused (with its pidfile write) made no batch of its own (a source
  // extension: with no project detected, only source-like files are watched).
  writeFileSync(join(dir.path, "sentinel.sh"), "x");
  const last = await hr.waitFor("changes", (e) => e.changes.some((c) => c.path === "sentinel.sh"));
  expect(last.changes.map((c) => c.path)).toEqual(["sentinel.sh"]);
  expect(hr.count("changes")).toBe(4);
}, 60_000);
