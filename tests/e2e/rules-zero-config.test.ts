/**
 * Zero-config rules on a real Go module: a template the server reads at start restarts it
 * without a build; the same template embedded with //go:embed rebuilds (never stale).
 */
import { describe, expect, test } from "bun:test";
import { startHotreload } from "../helpers/hotreload-process.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const READS_AT_START = `package main

import (
	"fmt"
	"os"
)

func main() {
	text, _ := os.ReadFile("templates/index.tmpl")
	fmt.Printf("view: %s", text)
	select {}
}
`;

const EMBEDS = `package main

import (
	_ "embed"
	"fmt"
)

//go:embed templates/index.tmpl
var text string

func main() {
	fmt.Printf("view: %s", text)
	select {}
}
`;

describe.skipIf(Bun.which("go") === null)("zero-config rules on a Go module", () => {
  test("a template read at start restarts the server without a build", async () => {
    using dir = tempDir();
    dir.write("go.mod", "module example.com/views\n\ngo 1.19\n");
    dir.write("main.go", READS_AT_START);
    dir.write("templates/index.tmpl", "v1\n");
    await using hr = startHotreload([], { cwd: dir.path });
    await hr.waitFor("log", (e) => e.line === "view: v1", 90_000);
    dir.write("templates/index.tmpl", "v2\n");
    await hr.waitFor("log", (e) => e.line === "view: v2");
    const applied = await hr.waitFor("rules.applied");
    expect(applied.action).toBe("restart");
    expect(hr.count("build.started")).toBe(1);
  }, 120_000);

  test("the same template embedded with //go:embed rebuilds", async () => {
    using dir = tempDir();
    dir.write("go.mod", "module example.com/views\n\ngo 1.19\n");
    dir.write("main.go", EMBEDS);
    dir.write("templates/index.tmpl", "v1\n");
    await using hr = startHotreload([], { cwd: dir.path });
    await hr.waitFor("log", (e) => e.line === "view: v1", 90_000);
    dir.write("templates/index.tmpl", "v2\n");
    await hr.waitFor("log", (e) => e.line === "view: v2", 90_000);
    expect(hr.count("build.started")).toBe(2);
    expect(hr.count("rules.applied")).toBe(0);
  }, 180_000);
});
