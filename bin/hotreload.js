#!/usr/bin/env node
// The npm entry point. hotreload runs on Bun; under Node (npx) it hands over to Bun when it
// is installed, and otherwise says how to get Bun or a standalone binary.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));

if (typeof globalThis.Bun !== "undefined") {
  await import(main);
} else {
  const result = spawnSync("bun", [main, ...process.argv.slice(2)], { stdio: "inherit" });
  if (result.error && result.error.code === "ENOENT") {
    process.stderr.write(
      [
        "hotreload needs Bun (https://bun.sh), which is not installed here.",
        "  Install it:     npm i -g bun      then run: bunx hotreload",
        "  Or download the standalone binary for your OS from the releases page",
        "  (no runtime needed): hotreload-linux-x64, -darwin-arm64, -windows-x64.exe, …",
        "",
      ].join("\n"),
    );
    process.exit(2);
  }
  if (result.error) {
    process.stderr.write(`hotreload: could not start bun: ${result.error.message}\n`);
    process.exit(1);
  }
  process.exit(result.status ?? (result.signal ? 1 : 0));
}
