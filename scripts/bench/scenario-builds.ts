/**
 * How many restarts a change causes: a 200-file burst (like a `git checkout`), touching
 * every file (mtime only), and rewriting every file with identical bytes. Counted from the
 * app's own start lines. The ideal is 1, 0, 0.
 */
import { utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readStarts, START_LINE, startsLog, waitFirstStart, waitQuiet } from "./app-log.ts";
import { emptyProject } from "./projects.ts";
import { failure, pickTools, skippedAndFailed, TOOL_IDS, type Tool } from "./tools.ts";
import type { BenchContext, Scenario, Section } from "./types.ts";

export const scenario: Scenario = { order: 30, id: "builds", run };

const ACTIONS = ["burst", "touch", "identical"] as const;
type Action = (typeof ACTIONS)[number];
const IDEAL: Record<Action, number> = { burst: 1, touch: 0, identical: 0 };

async function run(context: BenchContext): Promise<Section> {
  const { tools, skipped } = pickTools(context, TOOL_IDS);
  const files = context.short ? 50 : 200;
  const results = new Map<string, string[]>();
  const errors: string[] = [];
  const one = async (tool: Tool) => {
    context.log(`builds: ${tool.id}`);
    try {
      results.set(tool.id, await session(context, tool, files));
    } catch (error) {
      errors.push(failure(tool, error));
      context.log(`builds: ${String(error)}`);
    }
  };
  // Short mode (CI) runs the tools side by side: it checks the scenario works, not counts.
  if (context.short) await Promise.all(tools.map(one));
  else for (const tool of tools) await one(tool);
  const rows = tools.map((tool) => [tool.label, ...(results.get(tool.id) ?? ["–", "–", "–"])]);
  return {
    title: "Restarts per change",
    intro: [
      `A tree of ${files} \`.txt\` files and \`app.sh\`, all watched. A burst rewrites every`,
      "file with new content in a tight loop (like a `git checkout`); a touch changes only",
      "their mtime; an identical rewrite writes the same bytes again. Restarts are counted",
      "from the app's own start lines until neither the app nor the tool has shown anything",
      "for a while; the time of the last restart after the change follows in brackets.",
      "Ideal: 1, 0, 0.",
    ].join("\n"),
    tables: [
      {
        columns: ["Tool", `Burst of ${files} writes`, "Touch all", "Identical rewrite"],
        rows,
      },
    ],
    notes: [
      "The floor restarts on every event it sees (coalescing those that arrive during a restart), which shows how noisy the raw events are. ✗ marks a count other than the ideal.",
      ...skippedAndFailed(skipped, errors),
    ],
    ok: results.has("hotreload"),
  };
}

async function session(context: BenchContext, tool: Tool, count: number): Promise<string[]> {
  const names = Array.from({ length: count }, (_, i) => `src/f${String(i).padStart(3, "0")}.txt`);
  const files: Record<string, string> = { "app.sh": `${START_LINE}\nexec sleep 300\n` };
  for (const name of names) files[name] = `${name} v0\n`;
  using project = emptyProject({ exec: "sh app.sh", ext: [".sh", ".txt"], files });
  const log = startsLog(project.base);
  await using proc = tool.start(project);
  await waitFirstStart(log, proc.tail);
  const quiet = context.short ? 700 : 1500;
  await waitQuiet(log, quiet, 20_000, () => proc.lines.length);
  const paths = names.map((name) => join(project.dir, name));
  const act: Record<Action, () => void> = {
    burst: () => {
      for (const path of paths) writeFileSync(path, `${path} v1\n`);
    },
    touch: () => {
      const later = new Date(Date.now() + 2000);
      for (const path of paths) utimesSync(path, later, later);
    },
    identical: () => {
      for (const path of paths) writeFileSync(path, `${path} v1\n`);
    },
  };
  const counts: string[] = [];
  for (const action of ACTIONS) {
    const before = readStarts(log).length;
    const began = Date.now();
    act[action]();
    const after = await waitQuiet(log, quiet, 20_000, () => proc.lines.length);
    const n = after.count - before;
    const last = readStarts(log).at(-1) ?? began;
    const when = n > 0 ? ` (last ${((last - began) / 1000).toFixed(2)} s after)` : "";
    const mark = n === IDEAL[action] ? "" : " ✗";
    counts.push(`${n}${after.settled ? "" : "+ (still restarting)"}${mark}${when}`);
  }
  return counts;
}
