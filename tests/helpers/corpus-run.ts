/**
 * Runs one corpus layout as a new user would: copy it to a temp dir, install its
 * dependencies, start hotreload with no config and no flags, wait for the first response,
 * make a real source edit and wait for the new response, then (compiled layouts) break the
 * build and check the old version keeps serving. Used by the e2e tests and the bench.
 */
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { waitServed } from "../../scripts/bench/http-poll.ts";
import type { Layout } from "./corpus-layouts.ts";
import { freePort, type HotreloadProcess, startHotreload } from "./hotreload-process.ts";
import { runToEnd } from "./run-processes.ts";
import { tempDir } from "./temp-dir.ts";

export const PROJECTS_DIR = join(import.meta.dir, "..", "projects");

export interface LayoutRun {
  /** From hotreload's start to the first response (install excluded). */
  firstServedMs: number;
  /** Per edit: from the write to the first response showing the new version. */
  reloadMs: number[];
  /** Compiled layouts: the broken build failed and the old version still answered. */
  brokenKeptServing: boolean | null;
  build: string | null;
  exec: string;
}

/** Output directories and installed dependencies never come with the copy. */
const NOT_COPIED = /[\\/](node_modules|dist|target|__pycache__|\.venv)$/;

function editFile(file: string, from: string, to: string): void {
  const before = readFileSync(file, "utf8");
  const after = before.replace(from, to);
  if (after === before) throw new Error(`the edit of ${file} would change nothing`);
  writeFileSync(file, after);
}

function context(hr: HotreloadProcess): string {
  const lines = hr.events.map((e) =>
    e.type === "log"
      ? `log ${e.stream}: ${e.line}`
      : `${e.type} ${JSON.stringify(e).slice(0, 200)}`,
  );
  return `\nevents:\n  ${lines.slice(-30).join("\n  ")}\nstderr:\n  ${hr.stderr.slice(-15).join("\n  ")}`;
}

/** Rejects when hotreload exits, so a dead run fails at once instead of at the deadline. */
async function whileRunning<T>(hr: HotreloadProcess, work: Promise<T>): Promise<T> {
  const died = hr.exited.then((code) => {
    throw new Error(`hotreload exited with ${code}`);
  });
  return Promise.race([work, died]);
}

/**
 * The layout's Python modules come from apt (python3-flask, …) in CI. When the `python3`
 * first on PATH (a pyenv shim, say) lacks them but the system one has them, the run gets
 * a PATH whose python3 is the system one, as a user who installed them there would have.
 */
async function pythonPath(modules: string[], binDir: string): Promise<string | null> {
  if (modules.length === 0) return null;
  const imports = `import ${modules.join(", ")}`;
  const onPath = Bun.which("python3");
  for (const python of [onPath, "/usr/bin/python3"]) {
    if (!python) continue;
    const probe = await runToEnd([python, "-c", imports], { cwd: dirname(binDir) });
    if (probe.code !== 0) continue;
    if (python === onPath) return null;
    mkdirSync(binDir, { recursive: true });
    symlinkSync(python, join(binDir, "python3"));
    return `${binDir}${delimiter}${process.env.PATH ?? ""}`;
  }
  throw new Error(
    `no python3 here can \`${imports}\` (CI installs them with apt: python3-${modules.join(", python3-")})`,
  );
}

export async function runLayout(
  layout: Layout,
  options: { env?: Record<string, string>; edits?: number } = {},
): Promise<LayoutRun> {
  using temp = tempDir("hotreload-corpus-");
  const project = join(temp.path, "project");
  cpSync(join(PROJECTS_DIR, layout.name), project, {
    recursive: true,
    filter: (source) => !NOT_COPIED.test(source),
  });
  const port = freePort();
  const env: Record<string, string> = {
    XDG_CACHE_HOME: join(temp.path, "cache"),
    XDG_STATE_HOME: join(temp.path, "state"),
    PORT: String(port),
    ...options.env,
  };
  const path = await pythonPath(layout.pythonModules ?? [], join(temp.path, "bin"));
  if (path) env.PATH = path;
  if (layout.install) {
    const installed = await runToEnd(layout.install, {
      cwd: join(project, layout.installDir ?? "."),
      env: { ...process.env, ...env },
    });
    if (installed.code !== 0)
      throw new Error(
        `${layout.install.join(" ")} failed (${installed.code}):\n${installed.stdout}\n${installed.stderr}`,
      );
  }

  const startedAt = performance.now();
  await using hr = startHotreload([], { cwd: join(project, layout.cwd ?? "."), env });
  const url = `http://127.0.0.1:${port}/`;
  try {
    const first = await whileRunning(hr, waitServed(url, layout.first, 180_000));
    const started = await hr.waitFor("engine.started");
    const reloadMs: number[] = [];
    let version = 1;
    for (let round = 0; round < (options.edits ?? 1); round++) {
      const file = join(project, layout.edit);
      editFile(file, `corpus v${version}`, `corpus v${version + 1}`);
      version++;
      const editedAt = performance.now();
      const served = await whileRunning(hr, waitServed(url, `corpus v${version}`, 120_000));
      reloadMs.push(served.at - editedAt);
    }
    let brokenKeptServing: boolean | null = null;
    if (layout.breakage) {
      const from = hr.events.length;
      const file = join(project, layout.breakage.file);
      writeFileSync(file, `${readFileSync(file, "utf8")}\n${layout.breakage.text}\n`);
      await hr.waitFor("build.finished", (e) => !e.ok, 120_000, from);
      const body = await (await fetch(url)).text();
      brokenKeptServing = body.includes(`corpus v${version}`);
    }
    return {
      firstServedMs: first.at - startedAt,
      reloadMs,
      brokenKeptServing,
      build: started.build,
      exec: started.exec,
    };
  } catch (error) {
    throw new Error(`${layout.name}: ${(error as Error).message}${context(hr)}`);
  }
}
