/**
 * Does the server outlive its supervisor? The app is `sh app.sh`, a server with a child of
 * its own (like `go run` or a worker). After `kill -9` of the tool: still running after
 * 1 s means orphans. After SIGINT to the tool's pid alone (what Ctrl-C delivers to the
 * foreground process when the server is in another group): gone within 2 s is right.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isAlive } from "../../src/run/proc-info.ts";
import { benchDebug } from "./debug.ts";
import { signal } from "./proc-stat.ts";
import { emptyProject } from "./projects.ts";
import { failure, pickTools, skippedAndFailed, TOOL_IDS, type Tool } from "./tools.ts";
import type { BenchContext, Scenario, Section } from "./types.ts";

export const scenario: Scenario = { order: 60, id: "survival", run };

const APP = "sleep 300 &\necho $! > ../child.pid\necho $$ > ../server.pid\nwait\n";

export interface Outcome {
  /** ms until the server and its child were both gone, or null if not within the wait. */
  goneAfterMs: number | null;
  /** How many of the two (server, its child) were still running at the end of the wait. */
  left: number;
  waitedMs: number;
}

export function describeOutcome(outcome: Outcome): string {
  if (outcome.goneAfterMs !== null) return `stopped in ${outcome.goneAfterMs.toFixed(0)} ms ✓`;
  const who = outcome.left === 2 ? "server and its child" : "the server's child";
  return `✗ ${who} still running after ${(outcome.waitedMs / 1000).toFixed(0)} s`;
}

async function run(context: BenchContext): Promise<Section> {
  const ids = TOOL_IDS.filter((id) => id !== "hotreload-d0");
  const { tools, skipped } = pickTools(context, ids);
  const rows: string[][] = [];
  const errors: string[] = [];
  context.log(`survival: ${tools.map((t) => t.id).join(", ")} side by side`);
  const results = await Promise.all(
    tools.map(async (tool) => {
      try {
        const kill9 = await trial(tool, "SIGKILL", 1000);
        const sigint = await trial(tool, "SIGINT", 2000);
        return [tool.label, describeOutcome(kill9), describeOutcome(sigint)];
      } catch (error) {
        errors.push(failure(tool, error));
        return [tool.label, "–", "–"];
      }
    }),
  );
  rows.push(...results);
  return {
    title: "Does the server outlive the tool?",
    intro: [
      "The watched app is a server with a child of its own (`sleep 300 & wait`). Once both",
      "run, the tool is sent `kill -9` (nothing can clean up: anything still running after",
      "1 s is an orphan), or SIGINT to the tool's pid alone, as a terminal's Ctrl-C reaches",
      "a tool whose server runs in its own process group (the server should be gone within 2 s).",
    ].join("\n"),
    tables: [
      { columns: ["Tool", "After `kill -9` of the tool", "After SIGINT to the tool"], rows },
    ],
    notes: [...skippedAndFailed(skipped, errors)],
    ok: errors.length === 0 && tools.some((t) => t.id === "hotreload"),
  };
}

async function trial(tool: Tool, sig: "SIGKILL" | "SIGINT", waitMs: number): Promise<Outcome> {
  using project = emptyProject({ exec: "sh app.sh", ext: [".sh"], files: { "app.sh": APP } });
  await using proc = tool.start(project);
  const pids = await waitPids(
    [join(project.base, "server.pid"), join(project.base, "child.pid")],
    proc.tail,
  );
  for (const pid of pids) proc.adopt(pid);
  // Give the tool a moment to finish setting up (hotreload's lifeline, watchers).
  await Bun.sleep(500);
  const sent = performance.now();
  signal(proc.pid, sig);
  while (performance.now() - sent < waitMs) {
    if (!pids.some((pid) => isAlive(pid)))
      return { goneAfterMs: performance.now() - sent, left: 0, waitedMs: waitMs };
    await Bun.sleep(10);
  }
  return { goneAfterMs: null, left: pids.filter((pid) => isAlive(pid)).length, waitedMs: waitMs };
}

async function waitPids(files: string[], tail: () => string): Promise<number[]> {
  const deadline = performance.now() + 30_000;
  for (;;) {
    const pids = files.map((file) => {
      try {
        return Number(readFileSync(file, "utf8").trim());
      } catch (error) {
        // ENOENT until the app has started and written it.
        benchDebug(`${file}: ${String(error)}`);
        return 0;
      }
    });
    if (pids.every((pid) => pid > 0)) return pids;
    if (performance.now() > deadline)
      throw new Error(`the app did not start within 30 s\n${tail()}`);
    await Bun.sleep(20);
  }
}
