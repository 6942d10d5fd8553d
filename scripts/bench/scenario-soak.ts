/**
 * The soak (scripts/bench/soak-run.ts): 500 reloads (5 in --short) of a server whose
 * grandchild holds the listening socket and takes 300 ms to exit on SIGTERM, and which
 * daemonises a worker (setsid) at every start. Targets (issue 17): RSS drift under 5 MB
 * after warm-up, open fds constant, 0 EADDRINUSE, 0 leftovers.
 */
import { runSoak, type SoakResult } from "./soak-run.ts";
import type { BenchContext, Scenario, Section } from "./types.ts";

export const scenario: Scenario = { order: 65, id: "soak", run };

const mark = (ok: boolean) => (ok ? "✓" : "✗");

export function soakNotes(result: SoakResult): { notes: string[]; met: boolean } {
  const warm = result.samples.find((s) => s.reloads === 50) ?? result.samples[0];
  const last = result.samples.at(-1);
  const drift = warm && last ? last.rssMb - warm.rssMb : 0;
  // An fd open at the moment of a sample (the old instance's lifeline socket a moment
  // before it is released) is not a leak; growth from the first sample to the last is.
  const fds = result.samples.map((s) => s.fds);
  const [firstFds, lastFds] = [fds[0] ?? 0, fds.at(-1) ?? 0];
  const checks = [
    [
      drift < 5,
      `RSS drift after warm-up (reload ${warm?.reloads} → ${last?.reloads}): ${drift.toFixed(1)} MB (target < 5 MB)`,
    ],
    [
      lastFds <= firstFds,
      `open fds: ${firstFds} at the start, ${lastFds} at the end, ${Math.min(...fds)}–${Math.max(...fds)} in between (target: constant)`,
    ],
    [result.eaddrinuse === 0, `EADDRINUSE: ${result.eaddrinuse} (target 0)`],
    [
      result.leftovers === 0,
      `processes of the run left after quit: ${result.leftovers} (target 0)`,
    ],
    [result.exitCode === 0, `hotreload's exit code after SIGTERM: ${result.exitCode}`],
  ] as const;
  const perReload = result.totalMs / Math.max(result.reloads, 1);
  return {
    notes: [
      ...checks.map(([ok, text]) => `- ${mark(ok)} ${text}`),
      `- total: ${(result.totalMs / 1000).toFixed(1)} s for ${result.reloads} reloads (${perReload.toFixed(0)} ms each, of which 300 ms is the server's own stop)`,
    ],
    met: checks.every(([ok]) => ok),
  };
}

async function run(context: BenchContext): Promise<Section> {
  const reloads = context.short ? 5 : 500;
  context.log(`soak: ${reloads} reloads of a hostile server`);
  const result = await runSoak({ top: context.top, reloads, log: context.log });
  const { notes, met } = soakNotes(result);
  return {
    title: "Soak: reloads of a server that holds its socket in a grandchild and daemonises",
    intro: [
      `${reloads} reloads through the hotreload CLI. The server is \`sh server.sh\`: a grandchild`,
      "(a Bun listener without SO_REUSEPORT) holds the port and takes 300 ms to exit on",
      "SIGTERM; a worker daemonised with `setsid` (parent gone, own session) starts with each",
      "server. Each reload edits gen.txt and waits until the new listener answers with that",
      "generation (a stale answer fails the run). Every 50 reloads: hotreload's RSS and open",
      "fds, and the processes of the run alive (found by a marker in their environment).",
    ].join("\n"),
    tables: [
      {
        columns: ["reloads", "hotreload RSS (MB)", "open fds", "processes of the run alive"],
        rows: result.samples.map((s) => [
          String(s.reloads),
          s.rssMb.toFixed(1),
          String(s.fds),
          String(s.alive),
        ]),
      },
    ],
    notes: [notes.join("\n"), met ? "All targets met." : "**A target was missed.**"],
    ok: true,
  };
}
