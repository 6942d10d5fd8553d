/**
 * The setups the swaps scenario compares, each serving an example on one public port: the
 * floor (kill, then build and start; the app on that port), hotreload without the proxy
 * (build beside the old server, then stop it and start the new one on the same port),
 * and hotreload's proxy with `swap: overlap` and `swap: stop_first` (the app on a port
 * of its own per instance, health-checked on /health before traffic moves to it).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { hotreloadArgv } from "./proc-hotreload.ts";
import { bunProject, goProject, type Project } from "./projects.ts";
import { startTool, type ToolProcess } from "./tool-process.ts";

export const SETUP_IDS = ["floor", "direct", "overlap", "stop-first"] as const;
export type SetupId = (typeof SETUP_IDS)[number];

export interface Setup {
  id: SetupId;
  label: string;
  /** True for the proxy setups (the probe's drain and hold apply). */
  proxy: boolean;
  /** Starts the setup serving `project` on `port`. */
  start(project: Project, port: number): ToolProcess;
}

export interface ExampleCase {
  id: "go" | "bun";
  title: string;
  /** A fresh copy of the example whose server listens on `port` (or on $PORT per instance). */
  make(port: number): Project;
  /** How long the first build and start may take on a loaded machine. */
  firstServeMs: number;
}

export function exampleCases(top: string, goCache: string): ExampleCase[] {
  return [
    {
      id: "go",
      title: "Go server",
      make: (port) => goProject(top, port, goCache),
      firstServeMs: 120_000,
    },
    { id: "bun", title: "Bun server", make: (port) => bunProject(top, port), firstServeMs: 30_000 },
  ];
}

/** hotreload's flags for a project, as tools.ts passes them, plus `extra`. */
function hotreloadFlags(project: Project, extra: string[]): string[] {
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
    // Events on stdout: the scenario reads when each build finished (build.finished).
    "--json",
    ...extra,
  ];
}

/**
 * The proxy's config, outside the watched root: the swap strategy has no flag. The health
 * check is the examples' own (/health), probed every 100 ms on each new instance.
 */
function proxyConfig(project: Project, port: number, swap: string, drainTimeout: string): string {
  const file = join(project.base, "hotreload.yaml");
  writeFileSync(
    file,
    [
      `proxy: { enabled: true, port: ${port}, swap: ${swap}, drain_timeout: ${drainTimeout} }`,
      "health_check: { enabled: true, url: /health, interval: 100ms, max_retries: 100 }",
      "",
    ].join("\n"),
  );
  return file;
}

export function swapSetups(top: string, options: { drainTimeout: string }): Setup[] {
  const run = (project: Project, argv: string[]) =>
    startTool(argv, { cwd: project.dir, env: project.env });
  const proxied = (project: Project, port: number, swap: string) =>
    run(
      project,
      hotreloadArgv(
        top,
        hotreloadFlags(project, [
          "--config",
          proxyConfig(project, port, swap, options.drainTimeout),
        ]),
      ),
    );
  return [
    {
      id: "floor",
      label: "floor (fs.watch + kill + restart)",
      proxy: false,
      start: (p) =>
        run(p, [process.execPath, join(top, "scripts", "bench-floor.ts"), p.dir, p.command]),
    },
    {
      id: "direct",
      label: "hotreload without the proxy",
      proxy: false,
      start: (p) => run(p, hotreloadArgv(top, hotreloadFlags(p, []))),
    },
    {
      id: "overlap",
      label: "hotreload, proxy, overlap",
      proxy: true,
      start: (p, port) => proxied(p, port, "overlap"),
    },
    {
      id: "stop-first",
      label: "hotreload, proxy, stop_first",
      proxy: true,
      start: (p, port) => proxied(p, port, "stop_first"),
    },
  ];
}
