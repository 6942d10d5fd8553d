/**
 * The corpus under tests/projects/: small projects written by us, laid out as the popular
 * generators and frameworks lay theirs out. Each entry says how to install it, where a user
 * would run `hotreload` (no config, no flags), what it serves, which source edit a user
 * makes, and (for compiled layouts) a compile error that must leave the old version serving.
 */

export type Family = "node" | "bun" | "python" | "go" | "rust";

export interface Layout {
  /** Folder under tests/projects/. */
  name: string;
  family: Family;
  /** Installs the project's dependencies in the temp copy (at `installDir`), or null. */
  install: string[] | null;
  installDir?: string;
  /** Where the user runs hotreload, relative to the project (a workspace member). */
  cwd?: string;
  /** Text the first response contains (it shows the version marker `corpus v1`). */
  first: string;
  /** The source file holding the marker `corpus vN`: each edit bumps N, and the response shows it. */
  edit: string;
  /** Appended to a source file: a type or compile error (compiled layouts only). */
  breakage?: { file: string; text: string };
  /** A tool the layout cannot run without; missing → skipped, and the test name says so. */
  needs?: string;
  /** Python modules the interpreter must import (installed from apt in CI). */
  pythonModules?: string[];
}

/**
 * npm projects install from their committed package-lock.json with Bun (ten times faster
 * than `npm ci` here); --no-save writes no bun.lock, so detection still sees an npm project.
 */
const FROM_PACKAGE_LOCK = ["bun", "install", "--no-save", "--frozen-lockfile"];
const BUN_INSTALL = ["bun", "install", "--frozen-lockfile"];

export const LAYOUTS: readonly Layout[] = [
  {
    name: "express-generator",
    family: "node",
    install: FROM_PACKAGE_LOCK,
    first: "Welcome to Express, corpus v1",
    edit: "routes/index.js",
  },
  {
    name: "express-listen",
    family: "node",
    install: FROM_PACKAGE_LOCK,
    first: "Hello World! corpus v1",
    edit: "index.js",
  },
  {
    name: "fastify-ts",
    family: "node",
    install: FROM_PACKAGE_LOCK,
    first: '"version":"corpus v1"',
    edit: "src/routes/root.ts",
    breakage: { file: "src/routes/root.ts", text: 'export const broken: number = "not a number";' },
  },
  {
    name: "ts-start-split",
    family: "node",
    install: FROM_PACKAGE_LOCK,
    first: "hello split, corpus v1",
    edit: "src/greeting.ts",
    breakage: { file: "src/greeting.ts", text: "export const broken: number = greeting(42);" },
  },
  {
    name: "node-workspace",
    family: "node",
    install: FROM_PACKAGE_LOCK,
    cwd: "packages/api",
    first: "api: shared says corpus v1",
    // The edit is in the workspace package the app depends on, outside the watched root.
    edit: "packages/shared/index.js",
  },
  {
    name: "hono-bun",
    family: "bun",
    install: BUN_INSTALL,
    first: "Hello Hono! corpus v1",
    edit: "src/index.ts",
  },
  {
    name: "elysia-bun",
    family: "bun",
    install: BUN_INSTALL,
    first: "Hello Elysia corpus v1",
    edit: "src/index.ts",
  },
  {
    name: "flask-quickstart",
    family: "python",
    install: null,
    pythonModules: ["flask"],
    first: "Hello, World! corpus v1",
    edit: "app.py",
  },
  {
    name: "flask-tutorial",
    family: "python",
    install: null,
    pythonModules: ["flask"],
    first: "post: corpus v1",
    edit: "flaskr/blog.py",
  },
  {
    name: "fastapi-uvicorn",
    family: "python",
    install: null,
    pythonModules: ["fastapi", "uvicorn"],
    first: '"version":"corpus v1"',
    edit: "main.py",
  },
  {
    name: "django-project",
    family: "python",
    install: null,
    pythonModules: ["django"],
    first: "Hello, world. corpus v1",
    edit: "hello/views.py",
  },
  {
    name: "python-script",
    family: "python",
    install: null,
    first: "plain script corpus v1",
    edit: "server.py",
  },
  {
    name: "go-single-main",
    family: "go",
    install: null,
    needs: "go",
    first: "hello from Go, corpus v1",
    edit: "main.go",
    breakage: { file: "main.go", text: 'var broken int = "not a number"' },
  },
  {
    name: "go-cmd-api",
    family: "go",
    install: null,
    needs: "go",
    first: "hello api, corpus v1",
    edit: "internal/greet/greet.go",
    breakage: { file: "internal/greet/greet.go", text: "func Broken() int { return }" },
  },
  {
    name: "go-replace",
    family: "go",
    install: null,
    needs: "go",
    cwd: "app",
    first: "app: lib corpus v1",
    // The replaced module lives beside the app, outside the watched root.
    edit: "lib/lib.go",
    breakage: { file: "lib/lib.go", text: "func Broken() string { return 1 }" },
  },
  {
    name: "rust-std",
    family: "rust",
    install: null,
    needs: "cargo",
    first: "hello from Rust, corpus v1",
    edit: "src/message.rs",
    breakage: { file: "src/message.rs", text: 'pub fn broken() -> u32 { "no" }' },
  },
];

export const layoutsOf = (family: Family) => LAYOUTS.filter((l) => l.family === family);
