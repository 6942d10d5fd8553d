/** The whole product against examples/go-server (real Go): see tests/helpers/example-flow.ts. */
import { describe, test } from "bun:test";
import { runExampleFlow } from "../helpers/example-flow.ts";

describe.skipIf(Bun.which("go") === null)("hotreload on the Go example", () => {
  test("serve, swap, no-op saves and a 200-file burst, failed build keeps serving, crash backoff, Ctrl-C", async () => {
    await runExampleFlow({
      example: "go-server",
      build: 'go build -o "$HOTRELOAD_CACHE_DIR/server" .',
      exec: '"$HOTRELOAD_CACHE_DIR/server"',
      ext: ".go",
      handler: "handler.go",
      main: "main.go",
      breakage: "var broken = ",
      burstFile: (i) => ({ path: `gen/gen${i}.go`, text: `package gen\n\nconst C${i} = ${i}\n` }),
    });
  }, 240_000);
});
