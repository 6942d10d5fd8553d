/**
 * Node (and Bun) projects from their package.json, in the order nodemon and a person use:
 * the `start` / `dev` scripts' real server command first (split into build and server when
 * it compiles first), then `main`, then index/server/app files. A server that runs files
 * from a TypeScript output directory gets the project's build (its `build` script, else
 * `tsc -p`), so a ✓ never hides stale code; when no build can be found, it says so.
 */
import { join, relative } from "node:path";
import { type PackageJson, parseJsonc, resolveBin, runScriptCommand } from "./package-json.ts";
import {
  FRAMEWORK_DEV,
  type ParsedScript,
  parseServer,
  scriptReference,
  shellWords,
} from "./package-scripts.ts";
import type { DetectContext, Detection } from "./types.ts";
import { workspaceDependencyDirs } from "./workspaces.ts";

export type JsRuntime = "node" | "bun";

const JS_EXT = [".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts", ".json"];
const JS_IGNORE: string[] = [];
const MULTI_RUNNERS = new Set(["concurrently", "run-p", "run-s", "npm-run-all", "turbo", "nx"]);
const GUESSES = ["index", "server", "app", "main"].flatMap((n) =>
  ["", "src/"].flatMap((d) => [".ts", ".js", ".mjs", ".cjs", ".mts"].map((e) => `${d}${n}${e}`)),
);

type Server = Omit<ParsedScript, "build">;

const norm = (path: string) => path.replace(/^\.\//, "").replace(/\/$/, "");
const under = (file: string, dir: string) => norm(file).startsWith(`${norm(dir)}/`);

interface TsLayout {
  tsconfig: boolean;
  outDir: string | null;
  rootDir: string | null;
}

function tsLayout(ctx: DetectContext): TsLayout {
  const tsconfig = parseJsonc(ctx.read("tsconfig.json")) as {
    compilerOptions?: { outDir?: unknown; rootDir?: unknown };
  } | null;
  const option = (value: unknown) => (typeof value === "string" ? norm(value) : null);
  return {
    tsconfig: tsconfig !== null,
    outDir: option(tsconfig?.compilerOptions?.outDir),
    rootDir: option(tsconfig?.compilerOptions?.rootDir),
  };
}

/** Directories a TypeScript build writes to: tsconfig's outDir, else the usual names. */
export function compiledOutputDirs(ctx: DetectContext, hasBuildScript = false): string[] {
  const { tsconfig, outDir } = tsLayout(ctx);
  return outDir ? [outDir] : tsconfig || hasBuildScript ? ["dist", "build", "out"] : [];
}

export function detectPackage(ctx: DetectContext, pkg: PackageJson, runtime: JsRuntime): Detection {
  const scripts = Object.fromEntries(
    Object.entries(pkg.scripts ?? {}).filter(
      (e): e is [string, string] => typeof e[1] === "string",
    ),
  );
  const { tsconfig, outDir, rootDir } = tsLayout(ctx);
  const runScript = (name: string) => runScriptCommand(runtime, name);
  const bin = (word: string) => resolveBin(ctx, word);
  const compiledDirs = compiledOutputDirs(ctx, scripts.build !== undefined);
  const compiled = (file: string | null) =>
    file !== null && compiledDirs.some((d) => under(file, d));
  const projectBuild = scripts.build
    ? runScript("build")
    : tsconfig
      ? `${bin("tsc") ?? "tsc"} -p tsconfig.json`
      : null;

  const name = typeof pkg.name === "string" ? pkg.name : "package";
  const warnings: string[] = [];
  const outputs = new Set<string>();
  const result = (how: string, build: string | null, exec: string | null): Detection => {
    const outDirs = compiledDirs.filter((d) => exec?.includes(d) || d === outDir);
    for (const d of build ? outDirs : []) outputs.add(ctx.abs(d));
    return {
      kind: runtime,
      label: `${runtime === "bun" ? "Bun" : "Node"} project ${name} (${how})`,
      build,
      exec,
      ext: JS_EXT,
      ignore: JS_IGNORE,
      outputs: [...outputs],
      env: {},
      watch: workspaceDependencyDirs(ctx, pkg),
      warnings,
      choices: [],
      rules: [],
    };
  };

  const execOf = (server: Server): string | null => {
    if (MULTI_RUNNERS.has(server.runner)) return null;
    const words = server.args.join(" ");
    if (server.runner === "") return server.file;
    if (server.runner === "node" || server.runner === "bun") return `${server.runner} ${words}`;
    const local = bin(server.runner);
    if (
      local === null &&
      !FRAMEWORK_DEV.has(server.runner) &&
      server.runner !== "tsx" &&
      server.runner !== "ts-node"
    )
      return null;
    return `${local ?? server.runner} ${words}`.trim();
  };

  /** A script's server, following `npm run x` references, with the commands before it. */
  const resolveScript = (
    scriptName: string,
    depth = 0,
  ): { build: string[]; server: Server } | null => {
    const text = scripts[scriptName];
    if (text === undefined || depth > 3) return null;
    const parts = text
      .split("&&")
      .map((p) => p.trim())
      .filter(Boolean);
    const last = parts.pop();
    if (last === undefined) return null;
    const build = parts.map((part) => {
      const words = shellWords(part);
      const ref = scriptReference(words);
      if (ref) return runScript(ref);
      const local = words[0] ? bin(words[0]) : null;
      return local ? [local, ...words.slice(1)].join(" ") : part;
    });
    const ref = scriptReference(shellWords(last));
    if (ref && scripts[ref] !== undefined) {
      const inner = resolveScript(ref, depth + 1);
      return inner ? { build: [...build, ...inner.build], server: inner.server } : null;
    }
    const server = parseServer(last);
    return server ? { build, server } : null;
  };

  for (const scriptName of ["start", "dev", "serve"]) {
    const found = resolveScript(scriptName);
    const exec = found ? execOf(found.server) : null;
    if (!found || exec === null) continue;
    if (found.build.length > 0)
      return result(`${scriptName} script, split`, found.build.join(" && "), exec);
    if (!compiled(found.server.file)) {
      const plain = result(`${scriptName} script`, null, exec);
      // express-generator's bin/www has no extension that `ext` could match: a rule
      // keeps the server's own entry watched (rules trigger whatever `ext` says).
      const file = found.server.file;
      return file && !/\.[\w]+$/.test(file.split("/").at(-1) ?? "")
        ? { ...plain, rules: [{ match: [norm(file)], action: "restart", run: null }] }
        : plain;
    }
    if (projectBuild) return result(`${scriptName} script, built first`, projectBuild, exec);
    warnings.push(
      `\`${scriptName}\` runs ${found.server.file}, which looks like a build output, but no build command was found: set \`build\` so source changes rebuild it`,
    );
    return result(`${scriptName} script`, null, exec);
  }

  for (const field of [pkg.module, pkg.main]) {
    if (typeof field !== "string") continue;
    if (compiled(field) && projectBuild)
      return result("main, built first", projectBuild, `${runtime} ${ctx.quote(field)}`);
    if (ctx.isFile(field)) return result("main", null, `${runtime} ${ctx.quote(field)}`);
  }

  const topLevelTs = ctx
    .list(".")
    .filter((f) => /\.(ts|tsx)$/.test(f) && !f.endsWith(".d.ts") && !/\.config\./.test(f));
  const guess =
    GUESSES.find((f) => ctx.isFile(f)) ??
    (runtime === "bun" && topLevelTs.length === 1 ? (topLevelTs[0] as string) : null);
  if (guess === null) {
    warnings.push(
      "found no server entry (a start/dev script, main, or index/server/app file): set `exec`",
    );
    return result("no entry found", null, null);
  }
  if (runtime === "node" && /\.[cm]?ts$/.test(guess)) {
    if (outDir && projectBuild) {
      const source = rootDir ?? (under(guess, "src") ? "src" : ".");
      const out = join(outDir, relative(source, guess)).replace(/\.([cm]?)ts$/, ".$1js");
      return result(
        `${guess}, built first`,
        projectBuild,
        `node ${ctx.quote(out.split("\\").join("/"))}`,
      );
    }
    const tsx = bin("tsx");
    if (tsx) return result(guess, null, `${tsx} ${ctx.quote(guess)}`);
  }
  return result(guess, null, `${runtime} ${ctx.quote(guess)}`);
}
