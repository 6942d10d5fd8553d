/**
 * Live configuration: edits of .hotreload.yaml while running are applied (a changed build
 * rebuilds, a changed exec or env restarts without a build, changed filters re-arm the
 * watcher, a changed dashboard port moves it); an invalid edit keeps the running setup
 * and says where the error is; the next valid edit is applied. One server at a time.
 */
import { expect, test } from "bun:test";
import { openClient } from "../helpers/dashboard-harness.ts";
import { freePort, type HotreloadProcess, startHotreload } from "../helpers/hotreload-process.ts";
import { tempDir } from "../helpers/temp-dir.ts";

function yaml(lines: string[]): string {
  return `${lines.join("\n")}\n`;
}

/** Servers started and not yet exited: never more than one. */
function running(hr: HotreloadProcess): number {
  return hr.count("process.started") - hr.count("process.exited");
}

test("valid edits apply: build rebuilds, exec and env restart without a build, filters re-arm the watcher; the rest is named", async () => {
  using dir = tempDir();
  dir.write("app.sh", 'echo "app $VERSION"; exec sleep 300\n');
  dir.write("main.txt", "1\n");
  const base = ["exec: sh app.sh", "ext: [.txt]"];
  dir.write(".hotreload.yaml", yaml(["build: echo build-one", ...base, "env: { VERSION: one }"]));
  await using hr = startHotreload([], { cwd: dir.path });
  await hr.waitFor("log", (e) => e.line === "app one");
  await hr.waitFor("reload.done");

  // build changed: a rebuild with the new command, then the swap.
  dir.write(".hotreload.yaml", yaml(["build: echo build-two", ...base, "env: { VERSION: one }"]));
  const rebuilt = await hr.waitFor(
    "notice",
    (e) => e.tag === "config" && e.message.includes("(build)"),
  );
  expect(rebuilt.message).toBe(".hotreload.yaml changed (build): rebuilding");
  await hr.waitFor("build.started", (e) => e.command === "echo build-two");
  await hr.waitFor("reload.done", (e) => e.seq === 2);
  const builds = hr.count("build.started");

  // env changed: the server restarts with the new value, no build.
  dir.write(".hotreload.yaml", yaml(["build: echo build-two", ...base, "env: { VERSION: two }"]));
  await hr.waitFor("log", (e) => e.line === "app two");
  expect(hr.count("build.started")).toBe(builds);

  // exec changed: restart, no build.
  dir.write("app2.sh", 'echo "second app $VERSION"; exec sleep 300\n');
  dir.write(
    ".hotreload.yaml",
    yaml(["build: echo build-two", "exec: sh app2.sh", "ext: [.txt]", "env: { VERSION: two }"]),
  );
  await hr.waitFor("log", (e) => e.line === "second app two");
  expect(hr.count("build.started")).toBe(builds);
  expect(running(hr)).toBeLessThanOrEqual(1);

  // ext changed: the watcher is re-armed; .md now builds, .txt no longer does.
  const from = hr.events.length;
  dir.write(
    ".hotreload.yaml",
    yaml([
      "build: echo build-two",
      "exec: sh app2.sh",
      "ext: [.md]",
      "env: { VERSION: two }",
      "keys: false",
    ]),
  );
  const rearmed = await hr.waitFor("notice", (e) => e.message.includes("(ext)"), 20_000, from);
  expect(rearmed.message).toBe(
    ".hotreload.yaml changed (ext): watching with the new filters; keys cannot change while running: restart hotreload to apply it",
  );
  expect(rearmed.level).toBe("warn");
  await hr.waitFor("watch.ready", () => true, 20_000, from);
  dir.write("main.txt", "2\n");
  await hr.waitFor("changes.ignored", (e) => e.paths.includes("main.txt"), 20_000, from);
  dir.write("notes.md", "x\n");
  await hr.waitFor("changes", (e) => e.changes.some((c) => c.path === "notes.md"), 20_000, from);
  await hr.waitFor("build.started", (e) => e.seq > builds, 20_000, from);
  await hr.waitFor("reload.done", () => true, 20_000, hr.events.length - 1);
  expect(running(hr)).toBe(1);
}, 90_000);

test("an invalid edit keeps the running setup and says file:line:col; the next valid edit applies", async () => {
  using dir = tempDir();
  dir.write("app.sh", 'echo "app $VERSION"; exec sleep 300\n');
  dir.write(".hotreload.yaml", yaml(["exec: sh app.sh", "env: { VERSION: one }"]));
  await using hr = startHotreload([], { cwd: dir.path });
  await hr.waitFor("log", (e) => e.line === "app one");
  const started = hr.count("process.started");

  dir.write(".hotreload.yaml", yaml(["exec: sh app.sh", "env: { VERSION: one", "debounce: 1s"]));
  const parse = await hr.waitFor("notice", (e) => e.level === "error");
  expect(parse.message).toMatch(/\.hotreload\.yaml:\d+:\d+: invalid YAML/);
  expect(parse.message).toContain("the running configuration is kept");

  dir.write(
    ".hotreload.yaml",
    yaml(["exec: sh app.sh", "env: { VERSION: one }", "stop:", "  timeout: soon"]),
  );
  const invalid = await hr.waitFor(
    "notice",
    (e) => e.level === "error" && e.message.includes("stop.timeout"),
  );
  expect(invalid.message).toContain(".hotreload.yaml:4:12");
  expect(invalid.message).toContain("to be a duration like `5s`");
  expect(hr.count("process.started")).toBe(started);
  expect(hr.count("process.exited")).toBe(0);

  dir.write(".hotreload.yaml", yaml(["exec: sh app.sh", "env: { VERSION: two }"]));
  await hr.waitFor("log", (e) => e.line === "app two");
  expect(running(hr)).toBeLessThanOrEqual(1);
}, 60_000);

test("a changed dashboard port moves the dashboard", async () => {
  using dir = tempDir();
  const [first, second] = [freePort(), freePort()];
  const config = (port: number) =>
    yaml(["exec: sleep 300", "dashboard:", "  enabled: true", `  port: ${port}`]);
  dir.write(".hotreload.yaml", config(first));
  await using hr = startHotreload([], { cwd: dir.path });
  await hr.waitFor("process.started");
  const page = (port: number) =>
    fetch(`http://127.0.0.1:${port}/`, { headers: { host: `127.0.0.1:${port}` } }).then(
      (r) => r.status,
      () => "refused",
    );
  expect(await page(first)).not.toBe("refused");

  dir.write(".hotreload.yaml", config(second));
  const moved = await hr.waitFor("notice", (e) => e.message.includes("dashboard.port"));
  expect(moved.message).toBe(".hotreload.yaml changed (dashboard.port): restarting the dashboard");
  const deadline = Date.now() + 10_000;
  while ((await page(second)) === "refused" && Date.now() < deadline) await Bun.sleep(20); // polling interval of a deadline-bounded wait
  expect(await page(second)).not.toBe("refused");
  expect(await page(first)).toBe("refused");
  expect(hr.count("process.exited")).toBe(0);

  // A page that connects after an exec edit shows the new command.
  dir.write(".hotreload.yaml", config(second).replace("exec: sleep 300", "exec: sleep 301"));
  await hr.waitFor(
    "process.started",
    (e) => e.pid !== hr.events.find((x) => x.type === "process.started")?.pid,
  );
  const url = hr.stderr
    .map((line) => /http:\/\/127\.0\.0\.1:(\d+)\/\?token=(\S+)/.exec(line))
    .findLast(Boolean);
  expect(url?.[1]).toBe(String(second));
  using client = await openClient(
    `ws://127.0.0.1:${second}/ws?token=${url?.[2]}`,
    `http://127.0.0.1:${second}`,
  );
  const snapshot = await client.next("snapshot");
  expect(snapshot.config.exec).toBe("sleep 301");
}, 60_000);
