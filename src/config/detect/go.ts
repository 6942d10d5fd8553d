/**
 * Go: a module (go.mod here or in a parent directory) or a workspace (go.work). The main
 * package is the root's own, else the one under cmd/<name>/ (several: the user picks with
 * `entry`). Local `replace` targets and go.work `use` directories outside the root are
 * extra watch paths; tests and testdata never trigger, as in Air.
 */
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { type DetectContext, type Detection, emptyDetection } from "./types.ts";

const GO_EXT = [".go", ".mod", ".sum", ".work", ".tmpl", ".html", ".sql"];
const GO_IGNORE = ["**/*_test.go", "**/testdata/**"];

/** The arguments of a go.mod/go.work directive, in its one-line and block forms. */
export function directiveArgs(text: string, name: string): string[] {
  const out: string[] = [];
  const lines = text.split(/\r?\n/).map((l) => l.replace(/\/\/.*$/, "").trim());
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === `${name} (`) {
      for (i++; i < lines.length && lines[i] !== ")"; i++)
        if (lines[i]) out.push(lines[i] as string);
    } else if (line.startsWith(`${name} `) || line.startsWith(`${name}\t`)) {
      out.push(line.slice(name.length).trim());
    }
  }
  return out;
}

const isLocalPath = (path: string) =>
  path.startsWith("./") ||
  path.startsWith("../") ||
  isAbsolute(path) ||
  path === "." ||
  path === "..";

/** Local directories `replace` points at, absolute. */
export function localReplaceDirs(goMod: string, dir: string): string[] {
  return directiveArgs(goMod, "replace")
    .map((arg) => arg.split("=>")[1]?.trim().split(/\s+/)[0] ?? "")
    .filter(isLocalPath)
    .map((target) => resolve(dir, target.replace(/^"|"$/g, "")));
}

export function workspaceUseDirs(goWork: string, dir: string): string[] {
  return directiveArgs(goWork, "use").map((arg) => resolve(dir, arg.replace(/^"|"$/g, "")));
}

/** The nearest file called `name` in the root or a parent directory. */
function findUp(ctx: DetectContext, name: string): string | null {
  for (let dir = ctx.root; ; dir = dirname(dir)) {
    if (ctx.isFile(join(dir, name))) return join(dir, name);
    if (dirname(dir) === dir) return null;
  }
}

function hasMainPackage(ctx: DetectContext, dir: string): boolean {
  return ctx
    .list(dir)
    .filter((f) => f.endsWith(".go") && !f.endsWith("_test.go"))
    .some((f) => /^\s*package\s+main\b/m.test(ctx.read(join(dir, f)) ?? ""));
}

/** Main packages under `dir` (relative to the root, `./`-prefixed): its own, else cmd/*. */
function mainPackages(ctx: DetectContext, dir: string): string[] {
  const rel = (path: string) =>
    `./${relative(ctx.root, path).split("\\").join("/")}`.replace(/\/$/, "");
  if (hasMainPackage(ctx, dir)) return [rel(dir) === "./" ? "." : rel(dir)];
  const cmd = join(dir, "cmd");
  return ctx
    .list(cmd)
    .filter((name) => ctx.isDir(join(cmd, name)) && hasMainPackage(ctx, join(cmd, name)))
    .map((name) => rel(join(cmd, name)));
}

const normalizeEntry = (entry: string) =>
  entry === "." || entry.startsWith("./") || isAbsolute(entry)
    ? entry.replace(/\/$/, "")
    : `./${entry.replace(/\/$/, "")}`;

export function detectGo(ctx: DetectContext): Detection | null {
  // A go.work in the root without a go.mod: the workspace is the project (a go.mod in a
  // parent directory is not ours).
  const workspaceHere = ctx.isFile("go.work") && !ctx.isFile("go.mod");
  const goModPath = workspaceHere ? null : findUp(ctx, "go.mod");
  const goWorkPath = findUp(ctx, "go.work");
  if (goModPath === null && goWorkPath === null) return null;
  const goMod = goModPath ? (ctx.read(goModPath) ?? "") : null;
  const goWork = goWorkPath ? (ctx.read(goWorkPath) ?? "") : null;
  const useDirs =
    goWork !== null && goWorkPath ? workspaceUseDirs(goWork, dirname(goWorkPath)) : [];

  const candidates = workspaceHere
    ? [
        ...new Set(
          useDirs.filter((d) => d.startsWith(ctx.root)).flatMap((d) => mainPackages(ctx, d)),
        ),
      ]
    : mainPackages(ctx, ctx.root);

  const module = goMod !== null ? (/^module\s+(\S+)/m.exec(goMod)?.[1] ?? "module") : null;
  const label =
    workspaceHere || module === null
      ? `Go workspace (${useDirs.length} modules)`
      : `Go module ${module}`;

  const watch = new Set<string>();
  const outside = (dir: string) =>
    dir !== ctx.root && !dir.startsWith(`${ctx.root}/`) && !dir.startsWith(`${ctx.root}\\`);
  if (goModPath && goMod !== null) {
    const moduleDir = dirname(goModPath);
    if (moduleDir !== ctx.root) watch.add(moduleDir);
    for (const dir of localReplaceDirs(goMod, moduleDir)) watch.add(dir);
  }
  for (const dir of useDirs) watch.add(dir);
  if (goWork !== null && goWorkPath)
    for (const dir of localReplaceDirs(goWork, dirname(goWorkPath))) watch.add(dir);
  const extra = [...watch].filter((dir) => outside(dir) && ctx.isDir(dir));

  const base = emptyDetection({
    kind: "go",
    label,
    exec: null,
    ext: GO_EXT,
    ignore: GO_IGNORE,
    outputs: ctx.portable ? [] : [ctx.cacheDir],
    watch: extra,
  });
  const picked =
    ctx.entry !== null
      ? normalizeEntry(ctx.entry)
      : candidates.length <= 1
        ? (candidates[0] ?? ".")
        : null;
  if (picked === null)
    return {
      ...base,
      choices: candidates,
      warnings: [
        `${candidates.length} main packages (${candidates.join(", ")}): pick one with \`entry: ${candidates[0]}\` in .hotreload.yaml or --entry ${candidates[0]}`,
      ],
    };
  const name = picked === "." ? "server" : (picked.split("/").at(-1) ?? "server");
  const binary = join(ctx.cacheDir, `${name}${ctx.exe}`);
  return {
    ...base,
    label: picked === "." ? label : `${label} (${picked.replace(/^\.\//, "")})`,
    build: `go build -o ${ctx.quote(binary)} ${picked}`,
    exec: ctx.quote(binary),
  };
}
