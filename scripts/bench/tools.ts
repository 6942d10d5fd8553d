/**
 * The tools under test, each started the way its documentation suggests for "restart this
 * server when a source file changes", at its defaults: the floor (a hand-rolled
 * fs.watch + kill + restart loop), hotreload (defaults and --debounce 0), entr -n -r,
 * reflex -s and nodemon. Peers run the project's build-and-exec through `sh -c`.
 */
import { readdirSync, writeFileSync } from "node:fs";
import { extname, join } from "node:path";
import { hotreloadArgv } from "./proc-hotreload.ts";
import type { Project } from "./projects.ts";
import { startTool, type ToolProcess } from "./tool-process.ts";
import type { BenchContext } from "./types.ts";

/** Every tool, in the order the tables list them. */
export const TOOL_IDS = [
  "floor",
  "hotreload",
  "hotreload-d0",
  "entr",
  "reflex",
  "nodemon",
] as const;
export type ToolId = (typeof TOOL_IDS)[number];

export interface Tool {
  id: ToolId;
  label: string;
  start(project: Project): ToolProcess;
}

/** Files with one of `ext` below `dir`, for entr's stdin. */
export function listFiles(dir: string, ext: readonly string[]): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((name) => ext.includes(extname(name)))
    .map((name) => join(dir, name))
    .sort();
}

/** reflex's -r pattern for an extension list: `\.(go|mod)$`. */
export function extRegex(ext: readonly string[]): string {
  return `\\.(${ext.map((e) => e.replace(/^\./, "").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})$`;
}

/** hotreload's flags for a project: what it would put in its config. */
function projectArgs(project: Project, extra: string[]): string[] {
  return [
    "--root",
    project.dir,
    ...(project.build ? ["--build", project.build] : []),
    "--exec",
    project.exec,
    "--ext",
    project.ext.join(","),
    "--no-notifications",
    "--no-color",
    ...extra,
  ];
}

/** The tools among `ids` that are available, in that order, and notes for the missing. */
export function pickTools(
  context: BenchContext,
  ids: readonly ToolId[],
): { tools: Tool[]; skipped: string[] } {
  const run = (project: Project, argv: string[], stdinFile?: string) =>
    startTool(argv, { cwd: project.dir, env: project.env, ...(stdinFile ? { stdinFile } : {}) });
  const all: Record<ToolId, Tool | string> = {
    floor: {
      id: "floor",
      label: "floor (fs.watch + kill + restart)",
      start: (p) =>
        run(p, [
          process.execPath,
          join(context.top, "scripts", "bench-floor.ts"),
          p.dir,
          p.command,
        ]),
    },
    hotreload: {
      id: "hotreload",
      label: "hotreload (defaults)",
      start: (p) => run(p, hotreloadArgv(context.top, projectArgs(p, []))),
    },
    "hotreload-d0": {
      id: "hotreload-d0",
      label: "hotreload --debounce 0",
      start: (p) => run(p, hotreloadArgv(context.top, projectArgs(p, ["--debounce", "0"]))),
    },
    entr: context.peers.entr
      ? {
          id: "entr",
          label: "entr -n -r",
          start: (p) => {
            const list = join(p.base, "entr-files.txt");
            writeFileSync(list, `${listFiles(p.dir, p.ext).join("\n")}\n`);
            return run(p, [context.peers.entr as string, "-n", "-r", "sh", "-c", p.command], list);
          },
        }
      : "entr (not installed)",
    reflex: context.peers.reflex
      ? {
          id: "reflex",
          label: "reflex -s",
          start: (p) =>
            run(p, [
              context.peers.reflex as string,
              "-s",
              "-d",
              "none",
              "-r",
              extRegex(p.ext),
              "--",
              "sh",
              "-c",
              p.command,
            ]),
        }
      : "reflex (not installed)",
    nodemon: context.peers.nodemon
      ? {
          id: "nodemon",
          label: "nodemon --signal SIGTERM",
          start: (p) =>
            run(p, [
              context.peers.nodemon as string,
              "--watch",
              p.dir,
              "-e",
              p.ext.map((e) => e.replace(/^\./, "")).join(","),
              // nodemon's default SIGUSR2 is ignored by Go servers (it then waits forever);
              // its docs suggest SIGTERM for non-Node servers, which every other tool sends.
              "--signal",
              "SIGTERM",
              "--exec",
              p.command,
            ]),
        }
      : "nodemon (not installed)",
  };
  const tools: Tool[] = [];
  const skipped: string[] = [];
  for (const id of ids) {
    const tool = all[id];
    if (typeof tool === "string") skipped.push(tool);
    else tools.push(tool);
  }
  return { tools, skipped };
}

/** Round `round`'s order: the list rotated by one per round, so no tool always goes first. */
export function rotate<T>(items: readonly T[], round: number): T[] {
  if (items.length === 0) return [];
  const shift = round % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

/** The notes every tool-by-tool section ends with: tools not installed, sessions that failed. */
export function skippedAndFailed(skipped: readonly string[], errors: readonly string[]): string[] {
  return [
    ...(skipped.length > 0 ? [`Skipped: ${skipped.join(", ")}.`] : []),
    ...(errors.length > 0 ? [`Failed: ${errors.join("; ")}`] : []),
  ];
}

/** How a failed tool session reads in those notes: the tool and the error's first line. */
export const failure = (tool: Tool, error: unknown) =>
  `${tool.label}: ${String(error).split("\n")[0]}`;
