/**
 * Zero configuration: recognise the common project kinds from their manifest files and
 * propose build, exec and ext. Reading a manifest is the only IO; the rest is pure.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { projectCacheDir } from "./dirs.ts";

export type ProjectKind = "go" | "bun" | "node" | "rust" | "python";

export interface Detection {
  kind: ProjectKind;
  /** Human words for the line printed at start: "Go module example.com/app". */
  label: string;
  build: string | null;
  exec: string;
  ext: string[];
  /** Paths (absolute) where build outputs go, to be ignored by the watcher. */
  outputs: string[];
  env: Record<string, string>;
}

const shellQuote = (path: string) =>
  /^[\w@%+=:,./-]+$/.test(path) ? path : `"${path.replace(/(["\\$`])/g, "\\$1")}"`;

/** The variable the engine sets for build and exec: the project's cache directory. */
export const CACHE_DIR_VARIABLE = "HOTRELOAD_CACHE_DIR";

/**
 * `portable` writes commands for a config file to commit: the cache directory is named
 * through $HOTRELOAD_CACHE_DIR instead of this machine's absolute path.
 */
export function detectProject(
  root: string,
  options: { portable?: boolean; cacheDir?: string } = {},
): Detection | null {
  const portable = options.portable === true;
  const cacheDir = portable
    ? process.platform === "win32"
      ? `%${CACHE_DIR_VARIABLE}%`
      : `$${CACHE_DIR_VARIABLE}`
    : (options.cacheDir ?? projectCacheDir(root));
  const quote = (path: string) => (portable && /[$%]/.test(path) ? `"${path}"` : shellQuote(path));
  const read = (name: string) => {
    const file = join(root, name);
    return existsSync(file) ? readFileSync(file, "utf8") : null;
  };
  const exe = process.platform === "win32" ? ".exe" : "";

  const goMod = read("go.mod");
  if (goMod !== null) {
    const module = /^module\s+(\S+)/m.exec(goMod)?.[1] ?? "module";
    const binary = join(cacheDir, `server${exe}`);
    return {
      kind: "go",
      label: `Go module ${module}`,
      build: `go build -o ${quote(binary)} .`,
      exec: quote(binary),
      ext: [".go", ".mod", ".sum", ".tmpl", ".html", ".sql"],
      outputs: portable ? [] : [cacheDir],
      env: {},
    };
  }

  const pkgText = read("package.json");
  if (pkgText !== null) {
    const pkg = safeJson(pkgText);
    const isBun =
      existsSync(join(root, "bun.lock")) ||
      existsSync(join(root, "bun.lockb")) ||
      existsSync(join(root, "bunfig.toml")) ||
      hasDependency(pkg, "@types/bun") ||
      hasDependency(pkg, "bun-types");
    const runtime = isBun ? "bun" : "node";
    const entry = entryOf(root, pkg);
    const name = typeof pkg.name === "string" ? pkg.name : "package";
    const start = typeof pkg.scripts?.start === "string";
    const exec = entry
      ? `${runtime} ${quote(entry)}`
      : start
        ? isBun
          ? "bun run start"
          : "npm start --silent"
        : null;
    if (exec === null) return null;
    return {
      kind: isBun ? "bun" : "node",
      label: `${isBun ? "Bun" : "Node"} project ${name}`,
      build: null,
      exec,
      ext: [".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts", ".json"],
      outputs: [],
      env: {},
    };
  }

  const cargo = read("Cargo.toml");
  if (cargo !== null) {
    const name = /^\s*name\s*=\s*"([^"]+)"/m.exec(cargo)?.[1] ?? "app";
    return {
      kind: "rust",
      label: `Cargo package ${name}`,
      build: `cargo build --target-dir ${quote(join(cacheDir, "target"))}`,
      exec: quote(join(cacheDir, "target", "debug", `${name}${exe}`)),
      ext: [".rs", ".toml"],
      outputs: portable ? [] : [cacheDir],
      env: {},
    };
  }

  const pyproject = read("pyproject.toml");
  if (pyproject !== null) {
    const entry = ["main.py", "app.py", "server.py", "manage.py"].find((f) =>
      existsSync(join(root, f)),
    );
    const name = /^\s*name\s*=\s*"([^"]+)"/m.exec(pyproject)?.[1] ?? "app";
    const module = name.replace(/-/g, "_");
    return {
      kind: "python",
      label: `Python project ${name}`,
      build: null,
      exec: entry
        ? `python3 ${entry}${entry === "manage.py" ? " runserver --noreload" : ""}`
        : `python3 -m ${module}`,
      ext: [".py", ".toml"],
      outputs: [],
      env: { PYTHONUNBUFFERED: "1" },
    };
  }
  return null;
}

interface PackageJson {
  name?: unknown;
  main?: unknown;
  module?: unknown;
  scripts?: Record<string, unknown>;
  dependencies?: Record<string, unknown>;
  devDependencies?: Record<string, unknown>;
}

function safeJson(text: string): PackageJson {
  try {
    const value = JSON.parse(text);
    return typeof value === "object" && value !== null ? value : {};
  } catch {
    // An unparsable package.json still marks a JS project; fall back to file probing.
    return {};
  }
}

function hasDependency(pkg: PackageJson, name: string) {
  return Boolean(pkg.dependencies?.[name] ?? pkg.devDependencies?.[name]);
}

function entryOf(root: string, pkg: PackageJson): string | null {
  for (const field of [pkg.module, pkg.main]) {
    if (typeof field === "string" && existsSync(join(root, field))) return field;
  }
  const candidates = [
    "server.ts",
    "index.ts",
    "src/server.ts",
    "src/index.ts",
    "server.js",
    "index.js",
    "src/index.js",
    "app.js",
  ];
  return candidates.find((file) => existsSync(join(root, file))) ?? null;
}
