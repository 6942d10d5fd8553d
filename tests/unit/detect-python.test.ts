/** Python detection on real temp trees: Django, FastAPI, Flask (app.py and a package), scripts. */
import { describe, expect, test } from "bun:test";
import { detectProject, isPythonCommand } from "../../src/config/detect/index.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const exec = (root: string) => detectProject(root)?.exec;
/** The shell expansion detection writes: $PORT, else the framework's default. */
const port = (fallback: number) => `"\${PORT:-${fallback}}"`;

describe("Python detection", () => {
  test("requirements.txt and a Flask app.py: flask --app app run without its reloader, on $PORT", () => {
    using dir = tempDir();
    dir.write("requirements.txt", "flask\n");
    dir.write("app.py", "from flask import Flask\n\napp = Flask(__name__)\n");
    const d = detectProject(dir.path)!;
    expect(d.exec).toBe(`python3 -m flask --app app run --no-reload --port ${port(5000)}`);
    expect(d.env).toEqual({ PYTHONUNBUFFERED: "1" });
    expect(d.label).toBe("Python project (Flask)");
  });

  test("the Flask tutorial's package with create_app", () => {
    using dir = tempDir();
    dir.write("pyproject.toml", '[project]\nname = "flaskr"\n');
    dir.write(
      "flaskr/__init__.py",
      "from flask import Flask\n\ndef create_app(test_config=None):\n    app = Flask(__name__)\n    return app\n",
    );
    expect(exec(dir.path)).toBe(
      `python3 -m flask --app flaskr run --no-reload --port ${port(5000)}`,
    );
  });

  test("FastAPI and Starlette run with uvicorn module:variable, also in a package", () => {
    using dir = tempDir();
    dir.write("requirements.txt", "fastapi\nuvicorn\n");
    dir.write("main.py", "from fastapi import FastAPI\n\napi = FastAPI()\n");
    expect(exec(dir.path)).toBe(`python3 -m uvicorn main:api --port ${port(8000)}`);
    using pkg = tempDir();
    pkg.write("requirements.txt", "starlette\n");
    pkg.write("app/__init__.py", "");
    pkg.write("app/main.py", "from starlette.applications import Starlette\napp = Starlette()\n");
    expect(exec(pkg.path)).toBe(`python3 -m uvicorn app.main:app --port ${port(8000)}`);
  });

  test("Django: manage.py runserver --noreload", () => {
    using dir = tempDir();
    dir.write("manage.py", "import django\n");
    expect(exec(dir.path)).toBe(`python3 manage.py runserver --noreload ${port(8000)}`);
  });

  test("a plain script; a virtualenv's interpreter wins over python3", () => {
    using dir = tempDir();
    dir.write("server.py", "print('hi')\n");
    expect(exec(dir.path)).toBe("python3 server.py");
    dir.write(".venv/bin/python", "");
    expect(exec(dir.path)).toBe(`${dir.path}/.venv/bin/python server.py`);
    expect(detectProject(dir.path, { portable: true })?.exec).toBe(".venv/bin/python server.py");
  });

  test("a manifest without an entry point is found but says what to set", () => {
    using dir = tempDir();
    dir.write("requirements.txt", "requests\n");
    const d = detectProject(dir.path)!;
    expect(d.kind).toBe("python");
    expect(d.exec).toBeNull();
    expect(d.warnings[0]).toContain("set `exec`");
  });

  test("which commands start Python (PYTHONUNBUFFERED with --exec)", () => {
    for (const yes of [
      "python3 app.py",
      "PORT=1 python -m x",
      ".venv/bin/python x.py",
      "uvicorn m:app",
      "gunicorn m:app",
    ])
      expect(isPythonCommand(yes)).toBe(true);
    for (const no of ["node app.js", "./bin/server", "go run ."])
      expect(isPythonCommand(no)).toBe(false);
  });
});
