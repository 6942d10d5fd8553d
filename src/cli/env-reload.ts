/**
 * The env files of a run: read at start, watched whatever the filters and .gitignore say,
 * re-read on an edit. The engine asks for the current values each time it starts a
 * process; an edit asks it to restart the server without a rebuild. Only key names are
 * ever reported.
 */
import { relative } from "node:path";
import type { Clock } from "../clock.ts";
import {
  describeKeyDiff,
  diffKeys,
  type EnvFileReport,
  type EnvFilesSnapshot,
  readEnvFiles,
} from "../config/env-files.ts";
import type { EventBus } from "../events/bus.ts";
import type { FileChange } from "../events/types.ts";
import type { Logger } from "../log.ts";
import { watchFiles } from "../watch/file-watch.ts";

export interface EnvReloadOptions {
  root: string;
  files: readonly string[];
  poll: false | number;
  clock: Clock;
  bus: EventBus;
  log: Logger;
  /** Env files changed (paths as shown to the user): restart the server, no rebuild. */
  onChanged(changes: FileChange[]): void;
}

export interface EnvReload {
  /** The merged values of every env file, later files winning. */
  values(): Readonly<Record<string, string>>;
  close(): void;
}

export function startEnvReload(options: EnvReloadOptions): EnvReload {
  const { bus, log, root } = options;
  const shown = (path: string) => relative(root, path).split("\\").join("/") || path;
  const notice = (level: "info" | "warn", message: string) => {
    log.debug(message);
    bus.emit({ type: "notice", level, tag: "config", message });
  };
  const reportProblems = (files: EnvFileReport[]) => {
    for (const file of files) {
      if (file.missing)
        notice("warn", `env file ${shown(file.path)} does not exist; watching for it`);
      else if (file.error) notice("warn", `env file ${shown(file.path)}: ${file.error}`);
    }
  };

  let snapshot: EnvFilesSnapshot = readEnvFiles(options.files);
  reportProblems(snapshot.files);
  if (options.files.length > 0)
    log.debug(
      `env files: ${snapshot.files.map((f) => `${shown(f.path)} (${f.keys.join(", ") || "no keys"})`).join("; ")}`,
    );

  const watch =
    options.files.length === 0
      ? null
      : watchFiles({
          files: options.files,
          clock: options.clock,
          log,
          poll: options.poll,
          onChange(changed) {
            const next = readEnvFiles(options.files);
            const diff = describeKeyDiff(diffKeys(snapshot.values, next.values));
            snapshot = next;
            reportProblems(next.files.filter((f) => changed.includes(f.path)));
            notice(
              "info",
              `${changed.map(shown).join(", ")} changed (${diff}): restarting without a rebuild`,
            );
            options.onChanged(
              changed.map((path) => ({
                path: shown(path),
                kind: next.files.find((f) => f.path === path)?.missing ? "delete" : "modify",
              })),
            );
          },
        });

  return {
    values: () => snapshot.values,
    close: () => watch?.close(),
  };
}
