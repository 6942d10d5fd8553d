#!/usr/bin/env node
// The npm entry point. hotreload runs on Bun; under Node (npx) it hands over to Bun when it
// is installed, and otherwise says how to get Bun or a standalone binary.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));

if (typeof globalThis.Bun !== "undefined") {
  await import(main);
} else {
  const child = spawn("bun", [main, ...process.argv.slice(2)], { stdio: "inherit" });
  // A signal sent to this process only (kill <pid>, a process manager, docker stop) must
  // reach hotreload, which stops its server and exits; we exit when it has. A terminal's
  // Ctrl-C reaches both already; the copy we forward is harmless, as hotreload treats a
  // second quit signal like the first and only a third one as "exit now".
  const forward = (signal) => () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, forward(signal));
  child.on("error", (error) => {
    if (error.code === "ENOENT") {
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
    process.stderr.write(`hotreload: could not start bun: ${error.message}\n`);
    process.exit(1);
  });
  child.on("exit", (code, signal) => {
    process.exit(code ?? (signal ? 128 + (signalNumber(signal) ?? 0) : 0));
  });
}

function signalNumber(signal) {
  return { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 }[signal];
}
