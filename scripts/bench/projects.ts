/**
 * Throwaway projects the tools watch: copies of the Go and Bun example servers, and a
 * plain `sh app.sh` app. Each lives in its own temp dir: `app/` is the watched root, build
 * output and logs sit beside it (never watched). Disposing removes the whole dir.
 */
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Project extends Disposable {
  /** The temp dir holding everything; XDG state and cache dirs point inside it. */
  base: string;
  /** The watched root and the tools' working directory. */
  dir: string;
  build: string | null;
  exec: string;
  ext: string[];
  env: Record<string, string | undefined>;
  /** What peers run through `sh -c`: build, then exec the server. */
  command: string;
  /** The file whose version line saves change, and the text a new version serves. */
  versionFile: string;
  withVersion(version: string): string;
}

export function emptyProject(options: {
  build?: string | null;
  exec: string;
  ext: string[];
  env?: Record<string, string>;
  files: Record<string, string>;
}): Project {
  const base = mkdtempSync(join(tmpdir(), "hotreload-bench-"));
  const dir = join(base, "app");
  mkdirSync(dir);
  mkdirSync(join(base, "out"));
  mkdirSync(join(base, "tmp"));
  for (const [name, text] of Object.entries(options.files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const build = options.build ?? null;
  return {
    base,
    dir,
    build,
    exec: options.exec,
    ext: options.ext,
    env: {
      ...process.env,
      NO_COLOR: "1",
      XDG_STATE_HOME: join(base, "state"),
      XDG_CACHE_HOME: join(base, "cache"),
      // A build killed mid-way (the floor SIGKILLs on every event) leaves its work dir in
      // TMPDIR: keep those inside the run's dir, removed with it.
      TMPDIR: join(base, "tmp"),
      ...options.env,
    },
    command: build ? `${build} && exec ${options.exec}` : `exec ${options.exec}`,
    versionFile: join(dir, Object.keys(options.files)[0] ?? "app.sh"),
    withVersion: (version) => version,
    [Symbol.dispose]() {
      rmSync(base, { recursive: true, force: true });
    },
  };
}

/** examples/go-server, built with `go build` into ../out. Needs the real GOCACHE (warm). */
export function goProject(top: string, port: number, goCache: string): Project {
  const source = join(top, "examples", "go-server");
  const files: Record<string, string> = {};
  for (const name of ["handler.go", "main.go", "go.mod"])
    files[name] = readFileSync(join(source, name), "utf8");
  const project = emptyProject({ exec: "", ext: [".go"], files });
  const server = join(project.base, "out", "server");
  const build = `go build -o ${server} .`;
  // The server logs every request; the poller would flood the tools' output with them.
  const exec = `${server} >/dev/null`;
  const original = files["handler.go"] as string;
  return {
    ...project,
    build,
    exec,
    command: `${build} && exec ${exec}`,
    env: { ...project.env, PORT: String(port), GOCACHE: goCache, GOFLAGS: "-buildvcs=false" },
    withVersion: (version) =>
      original.replace(/const version = "[^"]*"/, `const version = "${version}"`),
  };
}

/** examples/bun-server run directly with `bun server.ts`. */
export function bunProject(top: string, port: number): Project {
  const source = join(top, "examples", "bun-server");
  const project = emptyProject({ exec: "", ext: [".ts"], files: {} });
  for (const name of ["handler.ts", "server.ts"])
    copyFileSync(join(source, name), join(project.dir, name));
  const original = readFileSync(join(source, "handler.ts"), "utf8");
  const exec = `${process.execPath} server.ts >/dev/null`;
  return {
    ...project,
    exec,
    command: `exec ${exec}`,
    env: { ...project.env, PORT: String(port) },
    versionFile: join(project.dir, "handler.ts"),
    withVersion: (version) =>
      original.replace(/export const version = "[^"]*"/, `export const version = "${version}"`),
  };
}

/** Writes a temp file beside the target and renames it over (vim, JetBrains). */
export function saveByRename(path: string, text: string): void {
  const temp = join(path, "..", `.bench-save-${process.pid}.tmp`);
  writeFileSync(temp, text);
  renameSync(temp, path);
}

/** Truncates and writes the file in place (VS Code). */
export function saveInPlace(path: string, text: string): void {
  writeFileSync(path, text);
}

/** `go env GOCACHE` with the caller's environment, so builds reuse the warm cache. */
export async function realGoCache(): Promise<string> {
  const proc = Bun.spawn(["go", "env", "GOCACHE"], { stdout: "pipe", stderr: "ignore" });
  const out = (await new Response(proc.stdout).text()).trim();
  await proc.exited;
  return out || join(tmpdir(), "hotreload-bench-gocache");
}
