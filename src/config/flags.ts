/**
 * Command-line flags that override configuration keys. Each flag names the key it sets, so
 * validation errors can name the flag the user typed and the CLI's argument definitions are
 * derived from the same table.
 */
import { hotreloadError, type Result } from "../errors.ts";
import { splitList } from "./schema-dsl.ts";

export interface FlagValues {
  config?: string;
  root?: string;
  build?: string;
  exec?: string;
  entry?: string;
  debounce?: string;
  ext?: string;
  exclude?: string[];
  poll?: string;
  notifications?: boolean;
  dashboard?: boolean;
  dashboardPort?: string;
  dashboardHost?: string;
  dashboardAllowedHost?: string[];
  healthUrl?: string;
  stopSignal?: string;
  stopTimeout?: string;
  followSymlinks?: boolean;
  clear?: boolean;
  timestamps?: boolean;
  keys?: boolean;
  env?: string[];
  proxy?: string;
  proxyHost?: string;
  liveReload?: boolean;
  restart?: string;
  envFile?: string[];
  watch?: string[];
}

interface FlagSpec {
  flag: string;
  key: keyof FlagValues;
  path: string[];
  type: "string" | "boolean";
  description: string;
  valueHint?: string;
  /** Given several times, each value kept (the CLI collects them from the raw argv). */
  repeatable?: true;
}

export const CONFIG_FLAGS: readonly FlagSpec[] = [
  {
    flag: "root",
    key: "root",
    path: ["root"],
    type: "string",
    valueHint: "dir",
    description: "Project directory to watch (default: the config file's directory, else .)",
  },
  {
    flag: "build",
    key: "build",
    path: ["build"],
    type: "string",
    valueHint: "cmd",
    description: "Build command, run through the shell",
  },
  {
    flag: "exec",
    key: "exec",
    path: ["exec"],
    type: "string",
    valueHint: "cmd",
    description: "Command that runs the server",
  },
  {
    flag: "entry",
    key: "entry",
    path: ["entry"],
    type: "string",
    valueHint: "path",
    description: "Which entry point to build and run when detection finds several (e.g. ./cmd/api)",
  },
  {
    flag: "debounce",
    key: "debounce",
    path: ["debounce"],
    type: "string",
    valueHint: "duration",
    description: "Quiet window after the last change: auto (default) or a duration (e.g. 300ms)",
  },
  {
    flag: "ext",
    key: "ext",
    path: ["ext"],
    type: "string",
    valueHint: "list",
    description: "Comma-separated extensions to watch (e.g. .go,.tmpl)",
  },
  {
    flag: "exclude",
    key: "exclude",
    path: ["ignore_patterns"],
    type: "string",
    valueHint: "glob",
    repeatable: true,
    description: "Glob to ignore, relative to root (repeatable or comma-separated)",
  },
  {
    flag: "poll",
    key: "poll",
    path: ["poll"],
    type: "string",
    valueHint: "interval",
    description: "Poll instead of native events: --poll or --poll=1s",
  },
  {
    flag: "notifications",
    key: "notifications",
    path: ["notifications", "enabled"],
    type: "boolean",
    description: "Desktop notifications (--no-notifications to turn off)",
  },
  {
    flag: "live-reload",
    key: "liveReload",
    path: ["live_reload", "enabled"],
    type: "boolean",
    description:
      "Reload browser pages through the proxy after each swap (--no-live-reload to turn off)",
  },
  {
    flag: "dashboard",
    key: "dashboard",
    path: ["dashboard", "enabled"],
    type: "boolean",
    description: "Serve the live dashboard",
  },
  {
    flag: "dashboard-port",
    key: "dashboardPort",
    path: ["dashboard", "port"],
    type: "string",
    valueHint: "port",
    description: "Dashboard port (default 7357, or the next free one)",
  },
  {
    flag: "dashboard-host",
    key: "dashboardHost",
    path: ["dashboard", "host"],
    type: "string",
    valueHint: "host",
    description: "Dashboard interface (default 127.0.0.1)",
  },
  {
    flag: "dashboard-allowed-host",
    key: "dashboardAllowedHost",
    path: ["dashboard", "allowed_hosts"],
    type: "string",
    valueHint: "host[:port]",
    repeatable: true,
    description:
      "Another Host the dashboard answers to: name, name:port or .domain (repeatable or comma-separated)",
  },
  {
    flag: "health-url",
    key: "healthUrl",
    path: ["health_check", "url"],
    type: "string",
    valueHint: "url",
    description: "Enable the health check against this URL",
  },
  {
    flag: "stop-signal",
    key: "stopSignal",
    path: ["stop", "signal"],
    type: "string",
    valueHint: "signal",
    description: "Signal that stops the server (default SIGTERM)",
  },
  {
    flag: "stop-timeout",
    key: "stopTimeout",
    path: ["stop", "timeout"],
    type: "string",
    valueHint: "duration",
    description: "Wait before SIGKILL (default 5s)",
  },
  {
    flag: "follow-symlinks",
    key: "followSymlinks",
    path: ["follow_symlinks"],
    type: "boolean",
    description: "Watch directories behind symbolic links",
  },
  {
    flag: "clear",
    key: "clear",
    path: ["clear"],
    type: "boolean",
    description: "Clear the screen before each build",
  },
  {
    flag: "timestamps",
    key: "timestamps",
    path: ["timestamps"],
    type: "boolean",
    description: "Prefix hotreload's lines with the time",
  },
  {
    flag: "keys",
    key: "keys",
    path: ["keys"],
    type: "boolean",
    description: "Keyboard shortcuts in a terminal (--no-keys sends all input to the server)",
  },
  {
    flag: "watch",
    key: "watch",
    path: ["watch"],
    type: "string",
    valueHint: "dir",
    repeatable: true,
    description: "Also watch this directory (relative to the current directory; repeatable)",
  },
  {
    flag: "env-file",
    key: "envFile",
    path: ["env_file"],
    type: "string",
    valueHint: "file",
    repeatable: true,
    description:
      "Load a dotenv file after env_file's (relative to the current directory; repeatable)",
  },
  {
    flag: "env",
    key: "env",
    path: ["env"],
    type: "string",
    valueHint: "KEY=value",
    repeatable: true,
    description: "Extra environment variable, winning over env and env files (repeatable)",
  },
  {
    flag: "proxy",
    key: "proxy",
    path: ["proxy", "port"],
    type: "string",
    valueHint: "port",
    description:
      "Serve on this port through hotreload's proxy: zero-downtime swaps, the app gets its own port in $PORT",
  },
  {
    flag: "proxy-host",
    key: "proxyHost",
    path: ["proxy", "host"],
    type: "string",
    valueHint: "host",
    description: "Proxy interface (default 127.0.0.1; 0.0.0.0 in a container)",
  },
  {
    flag: "restart",
    key: "restart",
    path: ["restart"],
    type: "string",
    valueHint: "policy",
    description: "When the server exits on its own: on_failure (default), always or never",
  },
];

export function flagNameFor(path: string[]): string {
  const joined = path.join(".");
  const spec = CONFIG_FLAGS.find(
    (s) => joined === s.path.join(".") || joined.startsWith(`${s.path.join(".")}.`),
  );
  return spec ? `--${spec.flag}` : joined;
}

function setIn(target: Record<string, unknown>, path: string[], value: unknown) {
  let node = target;
  for (const key of path.slice(0, -1)) {
    node[key] = (node[key] as Record<string, unknown> | undefined) ?? {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

/** Builds a raw config object in the file's shape from the flags that were given. */
export function flagsToRaw(flags: FlagValues): Result<Record<string, unknown>> {
  const raw: Record<string, unknown> = {};
  for (const spec of CONFIG_FLAGS) {
    const value = flags[spec.key];
    if (value === undefined || spec.key === "root") continue;
    if (spec.key === "exclude" || spec.key === "dashboardAllowedHost")
      setIn(raw, spec.path, (value as string[]).flatMap(splitList));
    else if (spec.key === "env") {
      const env: Record<string, string> = {};
      for (const pair of value as string[]) {
        const eq = pair.indexOf("=");
        if (eq <= 0)
          return {
            ok: false,
            error: hotreloadError(
              "flag.invalid",
              `--env: Expected KEY=value, got ${JSON.stringify(pair)}`,
              "Write it like --env PORT=8080.",
            ),
          };
        env[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
      setIn(raw, spec.path, env);
    } else if (spec.key === "poll")
      setIn(
        raw,
        spec.path,
        value === "" || value === "true" ? true : value === "false" ? false : value,
      );
    else setIn(raw, spec.path, value);
  }
  if (flags.healthUrl !== undefined) setIn(raw, ["health_check", "enabled"], true);
  if (flags.proxy !== undefined) setIn(raw, ["proxy", "enabled"], true);
  return { ok: true, value: raw };
}
