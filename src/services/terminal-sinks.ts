/**
 * The terminal of a run with services: `--json` writes every event as it is (`service`
 * included); otherwise the run's own lines go out as they are and each service gets a
 * pretty sink of its own whose every line is prefixed with its name.
 */
import { existsSync } from "node:fs";
import type { ResolvedConfig } from "../config/schema.ts";
import type { EventBus } from "../events/bus.ts";
import { supportsHyperlinks } from "../events/hyperlinks.ts";
import type { createOutputGate } from "../events/output-gate.ts";
import { createNdjsonSink, createPrettySink } from "../events/pretty.ts";
import type { Event } from "../events/types.ts";
import { prefixLines, servicePrefixes } from "./prefix-writer.ts";

/** --json: every event as it is, `service` included; else one pretty sink per service. */
export function subscribeSinks(options: {
  bus: EventBus;
  gate: ReturnType<typeof createOutputGate>;
  top: ResolvedConfig;
  selected: readonly string[];
  json: boolean;
  color: boolean;
  quiet: boolean;
  debug: boolean;
  interactive: boolean;
}): void {
  const { bus, gate, top, selected } = options;
  const stdout = gate.wrap(process.stdout, "stdout");
  const stderr = gate.wrap(process.stderr, "stderr");
  if (options.json) {
    bus.subscribe(createNdjsonSink(stdout));
    return;
  }
  const base = {
    color: options.color,
    quiet: options.quiet,
    timestamps: top.timestamps,
    debug: options.debug,
    // Lines of several services interleave: no status line to erase, no clearing.
    clear: false,
    tty: false,
    keysHint: options.interactive,
    links: supportsHyperlinks(process.stderr)
      ? { cwd: top.root, exists: (path: string) => existsSync(path) }
      : null,
  };
  const runWide = createPrettySink({ ...base, out: stdout, err: stderr });
  const prefixes = servicePrefixes(selected, options.color);
  const sinks = new Map<string, (event: Event) => void>(
    selected.map((name) => {
      const prefix = prefixes.get(name) as string;
      return [
        name,
        createPrettySink({
          ...base,
          keysHint: false,
          out: prefixLines(prefix, stdout),
          err: prefixLines(prefix, stderr),
        }),
      ];
    }),
  );
  bus.subscribe((event) => {
    const sink = event.service === undefined ? runWide : sinks.get(event.service);
    sink?.(event);
  });
}
