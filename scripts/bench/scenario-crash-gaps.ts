/**
 * A server that exits 1 at once, under each tool: the gaps between successive starts.
 * hotreload backs off 1 s, 2 s, 4 s, 8 s …; a tool that restarts at once burns a core, one
 * that waits for a file change leaves you with nothing running until you save.
 */
import { gapsSeconds, readStarts, START_LINE, startsLog, waitFirstStart } from "./app-log.ts";
import { emptyProject } from "./projects.ts";
import { failure, pickTools, skippedAndFailed, type Tool } from "./tools.ts";
import type { BenchContext, Scenario, Section } from "./types.ts";

export const scenario: Scenario = { order: 70, id: "crash-gaps", run };

/** hotreload's default backoff gaps that fit in a window of `seconds` after the first start. */
export function expectedBackoff(seconds: number, initial = 1, max = 32): number[] {
  const gaps: number[] = [];
  for (let gap = initial, at = gap; at < seconds; gap = Math.min(gap * 2, max), at += gap)
    gaps.push(gap);
  return gaps;
}

/** True when each observed gap is the expected one, give or take `slack` seconds. */
export function matchesBackoff(
  observed: readonly number[],
  expected: readonly number[],
  slack = 0.5,
) {
  return (
    observed.length === expected.length &&
    observed.every((gap, i) => Math.abs(gap - (expected[i] as number)) <= slack)
  );
}

async function run(context: BenchContext): Promise<Section> {
  const { tools, skipped } = pickTools(context, ["hotreload", "entr", "reflex", "nodemon"]);
  const seconds = context.short ? 4 : 20;
  context.log(`crash-gaps: ${tools.map((t) => t.id).join(", ")} side by side for ${seconds} s`);
  const errors: string[] = [];
  const observed = new Map<string, number[]>();
  await Promise.all(
    tools.map(async (tool) => {
      try {
        observed.set(tool.id, await watchCrashes(tool, seconds));
      } catch (error) {
        errors.push(failure(tool, error));
      }
    }),
  );
  const expected = expectedBackoff(seconds);
  const ours = observed.get("hotreload");
  const rows = tools.map((tool) => {
    const gaps = observed.get(tool.id);
    if (!gaps) return [tool.label, "–", "–", "failed"];
    const behaviour =
      gaps.length === 0
        ? "waits for a file change"
        : gaps.every((g) => g < 0.2)
          ? "restarts at once"
          : "restarts after a delay";
    return [
      tool.label,
      String(gaps.length + 1),
      gaps.map((g) => g.toFixed(2)).join(", ") || "–",
      behaviour,
    ];
  });
  const verdict = !ours
    ? "**not measured**"
    : matchesBackoff(ours, expected)
      ? "**as designed**"
      : `**differs** (observed ${ours.map((g) => g.toFixed(2)).join(", ")})`;
  return {
    title: "Crash loop: gaps between restarts",
    intro: [
      `The app exits with status 1 as soon as it starts. Over ${seconds} s after its first`,
      "start, each tool's restarts are recorded from the app's own start lines (tools side by",
      "side: the gaps are seconds long, so sharing the machine does not change them).",
    ].join("\n"),
    tables: [{ columns: ["Tool", `Starts in ${seconds} s`, "Gaps (s)", "Behaviour"], rows }],
    notes: [
      `hotreload's backoff (1 s doubling, capped at 32 s) expects gaps of ${expected.join(", ")} s here: ${verdict}.`,
      ...skippedAndFailed(skipped, errors),
    ],
    ok: ours !== undefined,
  };
}

async function watchCrashes(tool: Tool, seconds: number): Promise<number[]> {
  using project = emptyProject({
    exec: "sh app.sh",
    ext: [".sh"],
    files: { "app.sh": `${START_LINE}\nexit 1\n` },
  });
  const log = startsLog(project.base);
  await using proc = tool.start(project);
  await waitFirstStart(log, proc.tail);
  const first = readStarts(log)[0] as number;
  const end = first + seconds * 1000;
  while (Date.now() < end) await Bun.sleep(Math.min(100, Math.max(1, end - Date.now())));
  return gapsSeconds(readStarts(log).filter((at) => at <= end));
}
