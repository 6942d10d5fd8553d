/**
 * Entry point: parse argv, run the command, and map outcomes to exit codes
 * (0 clean quit, 1 runtime failure, 2 usage or configuration error). The only place that
 * decides an exit code.
 */
// First: back to the user's directory when started by the npm entry (see the file).
import "./launch-cwd.ts";
import { type ArgsDef, type CommandDef, runCommand } from "citty";
import { BUN_FLOOR, olderThanFloor } from "./cli/bun-floor.ts";
import { useColor } from "./cli/color.ts";
import { renderHelp } from "./cli/help.ts";
import { formatError } from "./cli/print-error.ts";
import { checkFlags } from "./cli/unknown-flags.ts";
import { exitCodeFor, HotreloadFailure, hotreloadError } from "./errors.ts";
import { VERSION } from "./version.ts";

/** Loaded on demand, so `--version`, `init` and `check` never load the engine. */
const COMMANDS: Record<string, () => Promise<{ default: unknown }>> = {
  run: () => import("./cli/run.ts"),
  init: () => import("./cli/init.ts"),
  check: () => import("./cli/check.ts"),
};

const EXAMPLES = `EXAMPLES

  hotreload                              Zero config: detect the project (Go, Bun, Node, Cargo) and run it
  hotreload --build "go build -o ./bin/server ." --exec ./bin/server --exclude "bin/**"
  hotreload --exec "bun server.ts" --ext .ts --health-url http://localhost:8080/health
  hotreload --dashboard                  Also serve the live dashboard on http://127.0.0.1:7357
  hotreload --json | jq .type            Machine-readable events (NDJSON)
  hotreload init                         Write a commented .hotreload.yaml for this project
  hotreload check --json                 Validate the configuration and print it resolved
  hotreload api worker                   With services: in the config, run these and what they depend on

COMMANDS

  run (default)   init   check          \`hotreload <command> --help\` for each

Keys: r rebuild · R restart · s stop/start · c clear · h help · q quit.  Docs: docs/CONFIGURATION.md, docs/TROUBLESHOOTING.md`;

async function main(argv: string[]): Promise<number> {
  const color = useColor(argv.includes("--no-color") ? false : undefined, process.stderr);
  if (argv[0] === "--version" || argv[0] === "-v" || argv[0] === "version") {
    process.stdout.write(`hotreload ${VERSION}\n`);
    return 0;
  }
  if (olderThanFloor(Bun.version)) {
    process.stderr.write(
      formatError(
        hotreloadError(
          "runtime.bun",
          `hotreload needs Bun ${BUN_FLOOR} or later; this is Bun ${Bun.version}`,
          "Run `bun upgrade`, or use a release binary, which brings its own Bun.",
        ),
        color,
      ),
    );
    return 1;
  }
  const name = argv[0] !== undefined && argv[0] in COMMANDS ? argv[0] : "run";
  const rawArgs = name === argv[0] ? argv.slice(1) : argv;
  const command = (await (COMMANDS[name] as () => Promise<{ default: unknown }>)())
    .default as CommandDef<ArgsDef>;
  try {
    const defs = (typeof command.args === "function" ? await command.args() : command.args) ?? {};
    if (rawArgs.includes("--help") || rawArgs.includes("-h")) {
      const meta = typeof command.meta === "function" ? await command.meta() : command.meta;
      const help = renderHelp(
        {
          name,
          description: (await meta)?.description ?? "",
          args: defs as ArgsDef,
          epilogue: name === "run" ? EXAMPLES : undefined,
        },
        useColor(argv.includes("--no-color") ? false : undefined, process.stdout),
      );
      process.stdout.write(help);
      return 0;
    }
    if (rawArgs.includes("--version") || rawArgs.includes("-v")) {
      process.stdout.write(`hotreload ${VERSION}\n`);
      return 0;
    }
    const flagError = checkFlags(rawArgs, defs as ArgsDef, name);
    if (flagError) throw new HotreloadFailure(flagError);
    const positional = rawArgs.find(
      (a, i) => !a.startsWith("-") && !isFlagValue(rawArgs, i, defs as ArgsDef),
    );
    // `hotreload api worker` names services; run.ts says when there are none.
    if (positional !== undefined && name !== "run")
      throw new HotreloadFailure(
        hotreloadError(
          "flag.unknown",
          `Unexpected argument ${JSON.stringify(positional)}`,
          `Commands are ${Object.keys(COMMANDS).join(", ")}; quote commands with spaces: --exec "go run ."`,
        ),
      );
    const { result } = await runCommand(command, { rawArgs });
    return typeof result === "number" ? result : 0;
  } catch (error) {
    if (error instanceof HotreloadFailure) {
      process.stderr.write(formatError(error.error, color));
      return exitCodeFor(error.error);
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(
      formatError(
        hotreloadError(
          "runtime.failure",
          `internal error: ${message}`,
          "This is a bug in hotreload; rerun with HOTRELOAD_LOG_LEVEL=debug and report it.",
        ),
        color,
      ),
    );
    if (process.env.HOTRELOAD_LOG_LEVEL?.toLowerCase() === "debug" && error instanceof Error)
      process.stderr.write(`${error.stack}\n`);
    return 1;
  }
}

function isFlagValue(rawArgs: string[], index: number, defs: ArgsDef): boolean {
  const previous = rawArgs[index - 1];
  if (previous === undefined || !previous.startsWith("--") || previous.includes("=")) return false;
  const name = previous.slice(2);
  const def = defs[name] ?? defs[name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())];
  return def !== undefined && def.type === "string";
}

process.exitCode = await main(process.argv.slice(2));
