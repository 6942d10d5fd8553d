/**
 * `bun run demo`: hot-reloads the bundled Go example server (the Bun one when Go is not
 * installed) with the dashboard on. Edit examples/go-server/handler.go and watch it swap.
 * The engine runs in this process, so Ctrl-C and SIGTERM reach it directly.
 */
import { join } from "node:path";

const top = join(import.meta.dir, "..");
const hasGo = Bun.which("go") !== null;
const example = hasGo ? "go-server" : "bun-server";
if (!hasGo)
  console.error(
    "demo: Go is not installed; running the Bun example instead (apt-get install golang-go for the Go one)",
  );
const port = hasGo ? 8080 : 8081;
console.error(
  `demo: edit examples/${example}/handler.${hasGo ? "go" : "ts"} and save; try http://127.0.0.1:${port}/ and /crash`,
);
process.argv = [
  process.argv[0] as string,
  join(top, "src", "main.ts"),
  "--root",
  join(top, "examples", example),
  "--dashboard",
  ...process.argv.slice(2),
];
await import("../src/main.ts");
