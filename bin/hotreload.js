#!/usr/bin/env node
// The npm entry point. hotreload runs on Bun: this starts `bun src/main.ts` (under Node,
// the Bun on PATH; under Bun, the same executable) and says how to get Bun when there is
// none.
//
// Bun reads `.env` files and `bunfig.toml` (preload scripts, among others) from its
// working directory, and would read the user's project's: its variables would leak into
// every server hotreload starts, and a preload would run inside hotreload. So Bun starts in
// this bin directory, which holds neither, and gets the user's directory in HOTRELOAD_CWD;
// src/launch-cwd.ts moves back there before anything else runs.
import { spawn } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { findBun } from "./find-bun.js";

const binDir = fileURLToPath(new URL(".", import.meta.url));
const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const bun = findBun({
  platform: process.platform,
  env: process.env,
  bunExecPath: typeof globalThis.Bun !== "undefined" ? process.execPath : undefined,
  exists: (path) => statSync(path, { throwIfNoEntry: false })?.isFile() ?? false,
});

if (bun === null) {
  process.stderr.write(
    [
      "hotreload needs Bun (https://bun.sh), which is not installed here.",
      "  Install it:     npm i -g bun      then run: bunx @hotreload/cli",
      "  Or download the standalone binary for your OS from the releases page",
      "  (no runtime needed): hotreload-linux-x64.tar.gz, -darwin-arm64, -windows-x64.zip, …",
      "",
    ].join("\n"),
  );
  process.exit(2);
}

// An npm shim without the real bun.exe beside it can only run through cmd.exe.
const viaShell = bun.toLowerCase().endsWith(".cmd");
const quote = (arg) => (viaShell ? `"${arg.replace(/"/g, '""')}"` : arg);
const child = spawn(quote(bun), [main, ...process.argv.slice(2)].map(quote), {
  stdio: "inherit",
  cwd: binDir,
  env: { ...(await launchEnv()), HOTRELOAD_CWD: process.cwd() },
  shell: viaShell,
});
// A signal sent to this process only (kill <pid>, a process manager, docker stop) must
// reach hotreload, which stops its server and exits; we exit when it has. A terminal's
// Ctrl-C reaches both already; the copy we forward is harmless, as hotreload treats a
// second quit signal like the first and only a third one as "exit now".
const forward = (signal) => () => {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
};
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, forward(signal));
child.on("error", (error) => {
  process.stderr.write(`hotreload: could not start ${bun}: ${error.message}\n`);
  process.exit(1);
});
child.on("exit", (code, signal) => {
  process.exit(code ?? (signal ? 128 + (signalNumber(signal) ?? 0) : 0));
});

/**
 * The environment to hand over. Under Node it is this process's own. Under Bun (`bunx
 * --bun`, or no Node on PATH) Bun has already loaded the project's .env files into it
 * before this file ran (and run its bunfig preload, which nothing here can undo): hand
 * over the environment this process was started with instead, read from
 * /proc/self/environ on Linux; elsewhere, drop the keys the project's .env files set to
 * the very values this process now has.
 */
async function launchEnv() {
  const env = { ...process.env };
  if (typeof globalThis.Bun === "undefined") return env;
  try {
    const original = {};
    for (const entry of readFileSync("/proc/self/environ", "latin1").split("\0")) {
      const at = entry.indexOf("=");
      if (at > 0) original[entry.slice(0, at)] = entry.slice(at + 1);
    }
    return original;
  } catch {
    // No /proc (macOS, Windows): fall back to the .env files themselves, below.
  }
  const { parse } = await import("dotenv");
  const mode = process.env.NODE_ENV || "development";
  for (const name of [".env", ".env.local", `.env.${mode}`, `.env.${mode}.local`]) {
    let text;
    try {
      text = readFileSync(join(process.cwd(), name), "utf8");
    } catch {
      continue; // no such file: nothing of it was loaded
    }
    for (const [key, value] of Object.entries(parse(text))) if (env[key] === value) delete env[key];
  }
  return env;
}

function signalNumber(signal) {
  return { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 }[signal];
}
