/**
 * Services composed with real processes through the CLI: max_parallel_builds bounds the
 * builds that overlap, a crash loop stays in its service, restart_dependents restarts the
 * dependents after a swap (and only then).
 */
import { expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Event } from "../../src/events/types.ts";
import { startHotreload } from "../helpers/hotreload-process.ts";
import { waitAllDead } from "../helpers/run-processes.ts";
import { tempDir } from "../helpers/temp-dir.ts";

/** A build that records when it ran: `start <name> <ms>` and `end <name> <ms>` lines. */
const build = (name: string, log: string) =>
  `echo "start ${name} $(date +%s%N)" >> ${log}; sleep 0.8; echo "end ${name} $(date +%s%N)" >> ${log}`;

/** The most builds running at once, from the log's start/end lines. */
function maxOverlap(log: string): number {
  let running = 0;
  let most = 0;
  const lines = readFileSync(log, "utf8").trim().split("\n");
  const sorted = lines
    .map((l) => l.split(" "))
    .sort((a, b) => Number(BigInt(a[2] as string) - BigInt(b[2] as string)));
  for (const [kind] of sorted) {
    running += kind === "start" ? 1 : -1;
    most = Math.max(most, running);
  }
  return most;
}

function project(maxParallel: number) {
  const dir = tempDir();
  // Beside the services' roots, so it is not watched.
  const log = join(dir.path, "builds.log");
  writeFileSync(log, "");
  const services = ["a", "b", "c"]
    .map((name) =>
      [
        `  ${name}:`,
        `    root: ${name}`,
        `    build: ${JSON.stringify(build(name, log))}`,
        `    exec: "sh -c 'echo ${name} up; exec sleep 300'"`,
      ].join("\n"),
    )
    .join("\n");
  for (const name of ["a", "b", "c"]) dir.write(`${name}/src.txt`, "1\n");
  dir.write(
    ".hotreload.yaml",
    `ext: [.txt]\nmax_parallel_builds: ${maxParallel}\nservices:\n${services}\n`,
  );
  return { dir, log };
}

for (const [max, expected] of [
  [1, 1],
  [3, 3],
] as const)
  test(`max_parallel_builds: ${max} → at most ${expected} build(s) at once`, async () => {
    const { dir, log } = project(max);
    using _dir = dir;
    await using hr = startHotreload([], { cwd: dir.path });
    for (const name of ["a", "b", "c"])
      await hr.waitFor("process.started", (e) => e.service === name, 30_000);
    expect(maxOverlap(log)).toBe(expected);
    hr.proc.kill("SIGINT");
    expect(await hr.exited).toBe(0);
  }, 60_000);

test("a crash loop stays in its service; restart_dependents restarts dependents after a swap", async () => {
  using dir = tempDir();
  dir.write("db/db.txt", "1\n");
  dir.write("app/app.txt", "1\n");
  dir.write("crasher/c.txt", "1\n");
  dir.write(
    ".hotreload.yaml",
    [
      "ext: [.txt]",
      "crash: {backoff_initial: 100ms, backoff_max: 200ms}",
      "services:",
      "  db:",
      "    root: db",
      `    exec: "sh -c 'echo db up; exec sleep 300'"`,
      "    restart_dependents: true",
      "  app:",
      "    root: app",
      `    exec: "sh -c 'echo app up; exec sleep 300'"`,
      "    depends_on: [db]",
      "  crasher:",
      "    root: crasher",
      `    exec: "sh -c 'echo boom; exit 3'"`,
      "",
    ].join("\n"),
  );
  await using hr = startHotreload([], { cwd: dir.path });
  const starts = (service: string, from = 0) =>
    hr.events.slice(from).filter((e) => e.type === "process.started" && e.service === service)
      .length;
  await hr.waitFor("process.started", (e) => e.service === "app", 30_000);
  await hr.waitFor("crash.backoff", (e) => e.service === "crasher" && e.attempt >= 2, 30_000);
  // The crasher's loop touched nobody else.
  expect(starts("db")).toBe(1);
  expect(starts("app")).toBe(1);

  // A change to app restarts app alone: app depends on db, not the other way round.
  let mark = hr.events.length;
  writeFileSync(join(dir.path, "app", "app.txt"), "2\n");
  await hr.waitFor("process.started", (e) => e.service === "app", 30_000, mark);
  expect(starts("db", mark)).toBe(0);

  // A change to db swaps db, then restarts app (restart_dependents).
  mark = hr.events.length;
  writeFileSync(join(dir.path, "db", "db.txt"), "2\n");
  await hr.waitFor("process.started", (e) => e.service === "db", 30_000, mark);
  await hr.waitFor("process.started", (e) => e.service === "app", 30_000, mark);
  const notice = hr.events
    .slice(mark)
    .find((e) => e.type === "notice" && e.service === "app") as Extract<Event, { type: "notice" }>;
  expect(notice.message).toBe("restarting: db, which it depends on, has a new process");
  expect(starts("app", mark)).toBe(1);
  expect(hr.events.slice(mark).some((e) => e.type === "changes" && e.service === "app")).toBe(
    false,
  );
  hr.proc.kill("SIGINT");
  expect(await hr.exited).toBe(0);
}, 60_000);

test("a live config edit applies to the services it changes; a new service waits for a restart", async () => {
  using dir = tempDir();
  dir.write("a/a.txt", "1\n");
  dir.write("b/b.txt", "1\n");
  const config = (aMessage: string, extra = "") =>
    [
      "ext: [.txt]",
      "services:",
      `  a: {root: a, exec: "sh -c 'echo ${aMessage}; exec sleep 300'"}`,
      `  b: {root: b, exec: "sh -c 'echo b up; exec sleep 300'"}`,
      extra,
      "",
    ].join("\n");
  dir.write(".hotreload.yaml", config("a one"));
  await using hr = startHotreload([], { cwd: dir.path });
  for (const [name, line] of [
    ["a", "a one"],
    ["b", "b up"],
  ])
    await hr.waitFor("log", (e) => e.service === name && e.line === line, 30_000);
  let mark = hr.events.length;
  dir.write(".hotreload.yaml", config("a two"));
  await hr.waitFor("log", (e) => e.service === "a" && e.line === "a two", 30_000, mark);
  const said = (await hr.waitFor("notice", (e) => e.service === "a", 5000, mark)).message;
  expect(said).toContain("exec");
  expect(hr.events.slice(mark).filter((e) => e.service === "b")).toEqual([]);

  mark = hr.events.length;
  dir.write(".hotreload.yaml", config("a two", `  c: {exec: "sh -c 'echo c up'"}`));
  const warned = await hr.waitFor("notice", (e) => e.tag === "config", 30_000, mark);
  expect(warned.message).toContain("added c");
  expect(warned.message).toContain("restart hotreload to apply it");
  hr.proc.kill("SIGINT");
  expect(await hr.exited).toBe(0);
}, 60_000);

test("no orphans: SIGKILL of hotreload takes every service's server with it", async () => {
  using dir = tempDir();
  dir.write("a/a.txt", "1\n");
  dir.write("b/b.txt", "1\n");
  dir.write(
    ".hotreload.yaml",
    [
      "ext: [.txt]",
      "services:",
      `  a: {root: a, exec: "sh -c 'echo a up; exec sleep 300'"}`,
      `  b: {root: b, exec: "sh -c 'echo b up; exec sleep 300'", depends_on: [a]}`,
      "",
    ].join("\n"),
  );
  await using hr = startHotreload([], { cwd: dir.path });
  const pids = [
    (await hr.waitFor("process.started", (e) => e.service === "a", 30_000)).pid,
    (await hr.waitFor("process.started", (e) => e.service === "b", 30_000)).pid,
  ];
  hr.proc.kill("SIGKILL");
  await hr.exited;
  expect(await waitAllDead(pids, 10_000)).toBeLessThan(10_000);
}, 60_000);

test("a dashboard port that is taken: exit 2 before any service starts, nothing left running", async () => {
  using dir = tempDir();
  dir.write("a/a.txt", "1\n");
  dir.write(
    ".hotreload.yaml",
    `services:\n  a: {root: a, exec: "sh -c 'echo a up; exec sleep 300'"}\n`,
  );
  const taken = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("") });
  try {
    await using hr = startHotreload(["--dashboard", "--dashboard-port", String(taken.port)], {
      cwd: dir.path,
    });
    expect(await hr.exited).toBe(2);
    expect(hr.stderr.join("\n")).toContain(`cannot listen on 127.0.0.1:${taken.port}`);
    expect(hr.events.some((e) => e.type === "process.started")).toBe(false);
  } finally {
    taken.stop(true);
  }
}, 30_000);
