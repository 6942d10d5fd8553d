/**
 * The HTTP load generator of the proxy scenario: Debian's `wrk` (C, epoll). Picked over
 * npm's autocannon because it costs a fraction of the CPU per request, which matters when
 * client, proxy and app share two cores, and it reports latency percentiles (--latency).
 * `parseWrk` is pure and unit-tested (tests/unit/bench-wrk.test.ts).
 */
import { runCommand } from "./run-command.ts";

export interface WrkResult {
  /** Microseconds. */
  p50: number;
  p90: number;
  p99: number;
  requestsPerSecond: number;
  /** Requests completed in the run. */
  requests: number;
  /** Connect, read, write and timeout errors plus non-2xx/3xx answers. */
  errors: number;
}

const UNIT_US: Record<string, number> = { us: 1, ms: 1000, s: 1_000_000 };

function duration(text: string): number {
  const match = /^([\d.]+)(us|ms|s)$/.exec(text);
  return match ? Number(match[1]) * (UNIT_US[match[2] as string] ?? Number.NaN) : Number.NaN;
}

export function parseWrk(output: string): WrkResult | null {
  const percentile = (p: number) => {
    const match = new RegExp(`^\\s+${p}%\\s+(\\S+)`, "m").exec(output);
    return match ? duration(match[1] as string) : Number.NaN;
  };
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(output);
  if (!rps) return null;
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(
    output,
  );
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(output);
  const done = /^\s*(\d+) requests in /m.exec(output);
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  return {
    p50: percentile(50),
    p90: percentile(90),
    p99: percentile(99),
    requestsPerSecond: Number(rps[1]),
    requests: Number(done?.[1] ?? Number.NaN),
    errors: socketErrors + Number(non2xx?.[1] ?? 0),
  };
}

export async function findWrk(): Promise<string | null> {
  return Bun.which("wrk");
}

/** `connections` keep-alive connections on `threads` threads for `seconds`. */
export async function runWrk(
  wrk: string,
  url: string,
  o: { threads: number; connections: number; seconds: number },
): Promise<WrkResult> {
  const argv = [wrk, `-t${o.threads}`, `-c${o.connections}`, `-d${o.seconds}s`, "--latency", url];
  const result = await runCommand(argv, (o.seconds + 30) * 1000);
  const parsed = result.code === 0 ? parseWrk(result.stdout) : null;
  if (!parsed)
    throw new Error(`${argv.join(" ")} failed: ${result.stderr || result.stdout}`.trim());
  return parsed;
}
