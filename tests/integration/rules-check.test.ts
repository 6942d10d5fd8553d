import { expect, test } from "bun:test";
import { triggersReport } from "../../src/cli/check-triggers.ts";
import { loadConfig } from "../../src/config/load.ts";
import { tempDir } from "../helpers/temp-dir.ts";

test("check says which rule decides for which files; rule globs are watched whatever ext says", () => {
  using dir = tempDir();
  dir.write("main.go", "package main\n");
  dir.write("views/index.hbs", "<p>hi</p>\n");
  dir.write("public/app.css", "p{}\n");
  dir.write("web/page.templ", "templ x\n");
  dir.write("web/page_templ.go", "package web\n");
  dir.write(
    ".hotreload.yaml",
    [
      "build: go build -o bin/app .",
      "exec: ./bin/app",
      "ext: [.go]",
      "rules:",
      "  - { match: views/**, action: restart }",
      "  - { match: public/**, action: reload }",
      '  - { match: "**/*_templ.go", action: ignore }',
      '  - { match: "**/*.templ", run: templ generate }',
      "",
    ].join("\n"),
  );
  const loaded = loadConfig({ cwd: dir.path, flags: {} });
  if (!loaded.ok) throw new Error(loaded.error.message);
  const report = triggersReport(loaded.value.config, loaded.value.outputs);
  expect(report).toContain("#   rebuild, then restart: 1 file — main.go\n");
  expect(report).toContain("#   restart without a rebuild (rule 0: views/**): views/index.hbs\n");
  expect(report).toContain("#   reload the browsers (rule 1: public/**): public/app.css\n");
  expect(report).toContain("#   nothing (rule 2: **/*_templ.go): web/page_templ.go\n");
  expect(report).toContain(
    "#   rebuild, then restart, running `templ generate` first (rule 3: **/*.templ): web/page.templ\n",
  );
  expect(loaded.value.warnings.join("\n")).toContain(
    "reload rules (public/**) reload browser pages only through the proxy's live reload",
  );
});

test("with the proxy, check names the stylesheets live_reload.css swaps in place (watched whatever ext says)", () => {
  using dir = tempDir();
  dir.write("main.go", "package main\n");
  dir.write("static/site.css", "p{}\n");
  dir.write(
    ".hotreload.yaml",
    [
      "build: go build -o bin/app .",
      "exec: ./bin/app",
      "ext: [.go]",
      "proxy: { enabled: true, port: 8080 }",
      "",
    ].join("\n"),
  );
  const loaded = loadConfig({ cwd: dir.path, flags: {} });
  if (!loaded.ok) throw new Error(loaded.error.message);
  const report = triggersReport(loaded.value.config, loaded.value.outputs);
  expect(report).toContain("#   rebuild, then restart: 1 file — main.go\n");
  expect(report).toContain(
    "#   swap the stylesheets in open pages (live_reload.css: **/*.css): static/site.css\n",
  );
  const off = loadConfig({ cwd: dir.path, flags: { liveReload: false } });
  if (!off.ok) throw new Error(off.error.message);
  expect(triggersReport(off.value.config, off.value.outputs)).not.toContain("swap the stylesheets");
});
