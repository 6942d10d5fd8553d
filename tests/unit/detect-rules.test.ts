/** Zero-config rules on real temp trees: templates restart, static files reload, embeds rebuild. */
import { describe, expect, test } from "bun:test";
import { detectProject } from "../../src/config/detect/index.ts";
import { renderInitFile } from "../../src/config/template.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const main = "package main\n\nfunc main() {}\n";

describe("zero-config rules", () => {
  test("Go: templates restart, public/ and static/ reload", () => {
    using dir = tempDir();
    dir.write("go.mod", "module example.com/app\n");
    dir.write("main.go", main);
    dir.write("static/app.css", "p{}\n");
    expect(detectProject(dir.path)?.rules).toEqual([
      {
        match: ["**/*.tmpl", "**/*.gohtml", "**/templates/**/*.html", "**/views/**/*.html"],
        action: "restart",
        run: null,
      },
      { match: ["static/**"], action: "reload", run: null },
    ]);
  });

  test("Go with //go:embed: no rules, every template and asset rebuilds", () => {
    using dir = tempDir();
    dir.write("go.mod", "module example.com/app\n");
    dir.write("main.go", main);
    dir.write(
      "internal/web/embed.go",
      'package web\n\nimport "embed"\n\n//go:embed templates\nvar FS embed.FS\n',
    );
    dir.write("internal/web/templates/index.html", "<p></p>\n");
    expect(detectProject(dir.path)?.rules).toEqual([]);
  });

  test("Node: views/ restart, public/ reload; Python: templates restart", () => {
    using node = tempDir();
    node.write("package.json", JSON.stringify({ name: "x", main: "app.js" }));
    node.write("app.js", "");
    node.write("public/stylesheets/style.css", "");
    expect(detectProject(node.path)?.rules.map((r) => [r.match, r.action])).toEqual([
      [["views/**"], "restart"],
      [["public/**"], "reload"],
    ]);
    const init = renderInitFile(detectProject(node.path));
    expect(init).toContain("# Also for this project: views/** → restart (after your own `rules`)");
    expect(init).toContain("# Also for this project: public/** → reload (after your own `rules`)");
    using py = tempDir();
    py.write("requirements.txt", "flask\n");
    py.write("app.py", "");
    expect(detectProject(py.path)?.rules.map((r) => r.action)).toEqual(["restart"]);
  });
});
