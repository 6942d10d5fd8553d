/**
 * Finds the peer tools (entr and reflex from apt, nodemon from npm), installing a missing
 * one when allowed (once, with a deadline), and reads their versions for the report.
 */

import { runCommand } from "./run-command.ts";
import type { BenchContext } from "./types.ts";

export type Peers = BenchContext["peers"];

export interface PeerReport {
  peers: Peers;
  /** "entr 5.3-1 (apt)" style, for the report header. */
  versions: string[];
  /** Why a peer is missing, for the report header. */
  skipped: string[];
}

const NPM_TIMEOUT_MS = 120_000;
const APT_TIMEOUT_MS = 180_000;

export async function findPeers(options: {
  install: boolean;
  log: (message: string) => void;
}): Promise<PeerReport> {
  const skipped: string[] = [];
  const isRoot = process.getuid?.() === 0;
  if (options.install && (!Bun.which("entr") || !Bun.which("reflex"))) {
    if (isRoot) {
      options.log("installing entr and reflex with apt-get");
      const result = await runCommand(
        ["apt-get", "install", "-y", "entr", "reflex"],
        APT_TIMEOUT_MS,
      );
      if (result.code !== 0) options.log(`apt-get failed: ${lastLine(result.stderr)}`);
    } else options.log("entr or reflex missing and not root: not installing");
  }
  if (options.install && !Bun.which("nodemon")) {
    options.log("installing nodemon with npm i -g (up to 120 s)");
    const result = await runCommand(["npm", "i", "-g", "nodemon"], NPM_TIMEOUT_MS);
    if (result.code !== 0)
      options.log(
        `npm i -g nodemon ${result.timedOut ? "timed out" : "failed"}: ${lastLine(result.stderr)}`,
      );
  }
  const peers: Peers = {
    entr: Bun.which("entr"),
    reflex: Bun.which("reflex"),
    nodemon: Bun.which("nodemon"),
  };
  const hint: Record<keyof Peers, string> = {
    entr: isRoot ? "apt-get install entr failed" : "`apt-get install entr` needs root",
    reflex: isRoot ? "apt-get install reflex failed" : "`apt-get install reflex` needs root",
    nodemon: "`npm i -g nodemon` failed or timed out",
  };
  for (const name of Object.keys(peers) as (keyof Peers)[]) {
    if (peers[name]) continue;
    skipped.push(
      `${name} (${options.install ? hint[name] : "not installed; --short never installs"})`,
    );
  }
  const versions: string[] = [];
  if (peers.entr) versions.push(`entr ${await debVersion("entr")} (apt)`);
  if (peers.reflex) versions.push(`reflex ${await debVersion("reflex")} (apt)`);
  if (peers.nodemon) {
    const result = await runCommand([peers.nodemon, "--version"], 10_000);
    versions.push(`nodemon ${result.stdout.trim() || "unknown"} (npm)`);
  }
  return { peers, versions, skipped };
}

async function debVersion(name: string): Promise<string> {
  const result = await runCommand(["dpkg-query", "-W", "-f", "$" + "{Version}", name], 10_000);
  return result.code === 0 && result.stdout.trim() ? result.stdout.trim() : "unknown";
}

function lastLine(text: string): string {
  return text.trim().split("\n").at(-1) ?? "";
}
