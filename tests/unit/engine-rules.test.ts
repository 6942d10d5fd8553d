import { describe, expect, test } from "bun:test";
import { compileRules, decide, type RuleConfig } from "../../src/engine/rules.ts";

const rules = (...list: RuleConfig[]) => compileRules(list);
const changes = (...paths: string[]) => paths.map((path) => ({ path, kind: "modify" as const }));
const run = (command: string) => ({ command, timeout: null });

describe("rules: what a batch triggers", () => {
  const r = rules(
    { match: ["views/**"], action: "restart", run: null },
    { match: ["**/*.hbs"], action: "rebuild", run: null },
    { match: ["public/**", "*.css"], action: "reload", run: null },
    { match: ["tmp/**", "**/*_templ.go"], action: "ignore", run: null },
  );

  test("the first matching rule decides for a file; unmatched files rebuild", () => {
    const d = decide(r, changes("views/index.hbs", "partials/nav.hbs", "main.go"));
    expect(d.hits).toEqual([
      { path: "views/index.hbs", action: "restart", rule: 0, match: "views/**" },
      { path: "partials/nav.hbs", action: "rebuild", rule: 1, match: "**/*.hbs" },
      { path: "main.go", action: "rebuild", rule: null, match: null },
    ]);
  });

  test("a batch gets its strongest action: rebuild > restart > reload", () => {
    expect(decide(r, changes("public/app.js")).action).toBe("reload");
    expect(decide(r, changes("public/app.js", "views/a.hbs")).action).toBe("restart");
    expect(decide(r, changes("public/app.js", "views/a.hbs", "main.go")).action).toBe("rebuild");
  });

  test("ignore drops a file; a batch of ignored files is ignored", () => {
    const d = decide(r, changes("tmp/x.log", "web/page_templ.go"));
    expect(d.action).toBe("ignore");
    expect(d.changes).toEqual([]);
    const mixed = decide(r, changes("tmp/x.log", "public/a.png"));
    expect(mixed.action).toBe("reload");
    expect(mixed.changes.map((c) => c.path)).toEqual(["public/a.png"]);
  });

  test("a pattern without a slash matches the file name at any depth; ./ and a trailing / are accepted", () => {
    const n = rules(
      { match: ["*.css"], action: "reload", run: null },
      { match: ["./templates/"], action: "restart", run: null },
    );
    expect(decide(n, changes("deep/in/side.css")).action).toBe("reload");
    expect(decide(n, changes("templates/a/b.tmpl")).action).toBe("restart");
    expect(decide(n, changes("other/templates/b.tmpl")).action).toBe("rebuild");
  });

  test("each rule's run once per batch, in rule order, also from ignore rules", () => {
    const g = rules(
      { match: ["**/*.sql"], action: "rebuild", run: run("sqlc generate") },
      { match: ["**/*.templ"], action: "ignore", run: run("templ generate") },
    );
    const d = decide(g, changes("b.templ", "q1.sql", "a.templ", "q2.sql"));
    expect(d.runs.map((x) => x.run.command)).toEqual(["sqlc generate", "templ generate"]);
    expect(d.action).toBe("rebuild");
    expect(d.changes.map((c) => c.path)).toEqual(["q1.sql", "q2.sql"]);
  });
});
