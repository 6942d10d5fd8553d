/** The whole product against examples/bun-server: see tests/helpers/example-flow.ts. */
import { test } from "bun:test";
import { runExampleFlow } from "../helpers/example-flow.ts";

test("Bun example: serve, swap, no-op saves and a 200-file burst, failed build keeps serving, crash backoff, Ctrl-C", async () => {
  await runExampleFlow({
    example: "bun-server",
    // As examples/bun-server/.hotreload.yaml: bundling makes a syntax error fail the build.
    build: 'bun build ./server.ts --target=bun --outfile="$HOTRELOAD_CACHE_DIR/server.js"',
    exec: 'bun "$HOTRELOAD_CACHE_DIR/server.js"',
    ext: ".ts",
    handler: "handler.ts",
    main: "server.ts",
    breakage: "export const broken = ;",
    burstFile: (i) => ({ path: `gen/gen${i}.ts`, text: `export const c${i} = ${i};\n` }),
  });
}, 240_000);
