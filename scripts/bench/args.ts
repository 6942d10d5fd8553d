/** Flags of `bun run bench`. Pure: unit-tested in tests/unit/bench-args.test.ts. */

export interface BenchArgs {
  /** CI mode: tiny loops; writes to stdout (or --out), never into docs/, installs nothing. */
  short: boolean;
  out: string | null;
  /** Scenario ids to run; null runs them all. */
  only: string[] | null;
  help: boolean;
}

export const USAGE = `Usage: bun run bench [--short] [--out FILE] [--only id[,id]]

  --short        CI mode: a round or two, tiny trees; checks the suite works, not speed.
                 Writes to stdout (or --out), never into docs/, installs no peers.
  --out FILE     Write the report to FILE (charts to perf/ beside it) instead of
                 docs/PERFORMANCE.md.
  --only ids     Run only these scenarios; the other sections of the existing report
                 are kept as they are.`;

export function parseBenchArgs(argv: readonly string[]): BenchArgs | { error: string } {
  const args: BenchArgs = { short: false, out: null, only: null, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [name, inline] = arg.includes("=") ? arg.split(/=(.*)/s) : [arg, undefined];
    const value = () => inline ?? argv[++i];
    if (name === "--short") args.short = true;
    else if (name === "--help" || name === "-h") args.help = true;
    else if (name === "--out") {
      const out = value();
      if (!out) return { error: "--out needs a file name" };
      args.out = out;
    } else if (name === "--only") {
      const ids = (value() ?? "")
        .split(",")
        .map((id) => id.trim())
        .filter(Boolean);
      if (ids.length === 0)
        return { error: "--only needs scenario ids, e.g. --only latency,builds" };
      args.only = [...(args.only ?? []), ...ids];
    } else return { error: `unknown flag ${arg}` };
  }
  return args;
}
