/**
 * Python: a project is a pyproject.toml, requirements.txt, setup.py, Pipfile or manage.py,
 * or a root main.py/app.py/server.py. Servers run without their own reloader (hotreload is
 * the reloader): Django `runserver --noreload`, ASGI apps (FastAPI, Starlette) with
 * uvicorn, Flask with `flask --app <module or package> run`; otherwise the script itself.
 * The interpreter is the project's virtualenv when it has one.
 */
import { join } from "node:path";
import { type DetectContext, type Detection, emptyDetection } from "./types.ts";

const MARKERS = ["pyproject.toml", "requirements.txt", "setup.py", "Pipfile", "manage.py"];
const SCRIPTS = ["main.py", "app.py", "server.py", "run.py", "wsgi.py"];
const PYTHON_EXT = [".py", ".toml", ".cfg", ".ini", ".html", ".jinja", ".jinja2"];
const PYTHON_IGNORE = ["**/__pycache__/**", ".venv/**", "venv/**", ".tox/**", "instance/**"];

/** print() shows up at once instead of when a 8 KiB buffer fills. */
export const PYTHON_ENV = { PYTHONUNBUFFERED: "1" };

/** Whether a command line starts a Python process (for PYTHONUNBUFFERED with --exec). */
export function isPythonCommand(command: string): boolean {
  const words = command.trim().split(/\s+/);
  const first = words.find((w) => !/^\w+=/.test(w) && w !== "exec" && w !== "env") ?? "";
  const name =
    first
      .replace(/^["']|["']$/g, "")
      .split(/[\\/]/)
      .at(-1) ?? "";
  return /^(python[\d.]*(\.exe)?|py|uvicorn|gunicorn|hypercorn|daphne|flask|granian)$/.test(name);
}

function interpreter(ctx: DetectContext): string {
  const venv = ctx.platform === "win32" ? ["Scripts", "python.exe"] : ["bin", "python"];
  for (const dir of [".venv", "venv"]) {
    const path = join(dir, ...venv);
    if (ctx.isFile(path)) return ctx.quote(ctx.portable ? path : ctx.abs(path));
  }
  return ctx.platform === "win32" ? "python" : "python3";
}

/** `--port` from $PORT with the framework's default (POSIX shells; Windows keeps the default). */
function portArg(ctx: DetectContext, flag: string, fallback: number): string {
  return ctx.platform === "win32" ? "" : ` ${flag}${flag ? " " : ""}"\${PORT:-${fallback}}"`;
}

/** Modules worth reading for an app object: root scripts, then packages' main/__init__. */
function candidateModules(ctx: DetectContext): { module: string; text: string }[] {
  const out: { module: string; text: string }[] = [];
  for (const name of ctx.list(".")) {
    if (name.endsWith(".py")) out.push({ module: name.slice(0, -3), text: ctx.read(name) ?? "" });
  }
  for (const dir of ctx.list(".")) {
    if (!ctx.isFile(join(dir, "__init__.py"))) continue;
    for (const file of ["main.py", "app.py", "__init__.py"]) {
      const text = ctx.read(join(dir, file));
      if (text !== null)
        out.push({ module: file === "__init__.py" ? dir : `${dir}.${file.slice(0, -3)}`, text });
    }
  }
  return out;
}

export function detectPython(ctx: DetectContext): Detection | null {
  const marker = MARKERS.find((f) => ctx.isFile(f));
  const script = SCRIPTS.find((f) => ctx.isFile(f));
  if (!marker && !script) return null;
  const pyproject = ctx.read("pyproject.toml");
  const name = /^\s*name\s*=\s*"([^"]+)"/m.exec(pyproject ?? "")?.[1] ?? null;
  const python = interpreter(ctx);
  const base = emptyDetection({
    kind: "python",
    label: `Python project${name ? ` ${name}` : ""}`,
    exec: null,
    ext: PYTHON_EXT,
    ignore: PYTHON_IGNORE,
    env: PYTHON_ENV,
  });
  const as = (what: string, exec: string): Detection => ({
    ...base,
    label: `${base.label} (${what})`,
    exec,
  });

  if (ctx.isFile("manage.py"))
    return as("Django", `${python} manage.py runserver --noreload${portArg(ctx, "", 8000)}`);

  const modules = candidateModules(ctx);
  for (const { module, text } of modules) {
    const asgi = /^(\w+)\s*=\s*(FastAPI|Starlette)\(/m.exec(text);
    if (asgi)
      return as(
        asgi[2] as string,
        `${python} -m uvicorn ${module}:${asgi[1]}${portArg(ctx, "--port", 8000)}`,
      );
  }
  for (const { module, text } of modules) {
    const flask =
      /^\w+\s*=\s*Flask\(/m.test(text) ||
      (/\bdef\s+create_app\s*\(/.test(text) && /\bflask\b/i.test(text));
    if (flask)
      return as(
        "Flask",
        `${python} -m flask --app ${module} run --no-reload${portArg(ctx, "--port", 5000)}`,
      );
  }
  if (script) return as(script, `${python} ${script}`);
  const module = name?.replace(/-/g, "_");
  if (module && [module, join("src", module)].some((d) => ctx.isFile(join(d, "__main__.py"))))
    return as(`python -m ${module}`, `${python} -m ${module}`);
  return {
    ...base,
    warnings: [
      "found no Python entry point (main.py, app.py, a Flask/FastAPI app, manage.py, a package with __main__.py): set `exec`",
    ],
  };
}
