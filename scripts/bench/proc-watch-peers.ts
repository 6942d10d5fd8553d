/**
 * The other watchers of the watch-scale scenario (entr, reflex, nodemon) on the same tree:
 * each supervises `sh -c 'echo bench-started; exec sleep 300'`; once that line is seen
 * and start-up work has settled, their RSS and idle CPU are read from /proc. Only the
 * tool's own processes count (see ownProcesses), not the command it runs.
 */
import { bestPct, cpuWindow, settle } from "./proc-hotreload.ts";
import { ownProcesses, sumRssMb } from "./proc-stat.ts";
import { startTool } from "./tool-process.ts";
import type { BenchContext } from "./types.ts";

const STARTED = "bench-started";
const EXEC = `echo ${STARTED}; exec sleep 300`;

export interface Peer {
  name: string;
  /** What the RSS and CPU figures add up, for the table. */
  counted: string;
  argv: string[];
  /** entr reads the list of files to watch on stdin. */
  stdinList?: boolean;
}

export function peersFor(ctx: BenchContext, root: string): Peer[] {
  const peers: Peer[] = [];
  const { entr, reflex, nodemon } = ctx.peers;
  if (entr)
    peers.push({
      name: "entr",
      counted: "the entr process",
      argv: [entr, "-n", "-r", "sh", "-c", EXEC],
      stdinList: true,
    });
  if (reflex)
    peers.push({
      name: "reflex",
      counted: "the reflex process",
      argv: [reflex, "-s", "-r", "\\.go$", "--", "sh", "-c", EXEC],
    });
  if (nodemon)
    peers.push({
      name: "nodemon",
      counted: "its node processes",
      argv: [nodemon, "--watch", root, "-e", "go", "--exec", `sh -c '${EXEC}'`],
    });
  return peers;
}

export async function measurePeer(
  peer: Peer,
  o: { root: string; list: string; idleMs: number; ticks: number },
) {
  await using run = startTool(peer.argv, {
    cwd: o.root,
    ...(peer.stdinList ? { stdinFile: o.list } : {}),
  });
  await run.waitLine("stdout", (t) => t.includes(STARTED), 60_000);
  const pids = () => ownProcesses(run.pid).map((p) => p.pid);
  const settled = await settle(pids(), 30_000, o.ticks);
  const first = await cpuWindow(pids(), o.idleMs, o.ticks);
  const idle = await cpuWindow(pids(), o.idleMs, o.ticks);
  return { rss: sumRssMb(pids()), first: bestPct(first), pct: bestPct(idle), settled };
}
