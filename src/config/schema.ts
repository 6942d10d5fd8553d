/**
 * The configuration schema, written once. Defaults, validation, the checked-in JSON Schema
 * (schema/hotreload.schema.json) and the key table of docs/CONFIGURATION.md all come from it.
 */
import { parseAllowedHost } from "../dashboard/allowed-hosts.ts";
import { DEFAULT_EXPECT_STATUS, formatRange, parseExpectStatus } from "../health/expect-status.ts";
import { commandSpec, globList, MAX_HOOK_TIMEOUT_MS } from "./schema-commands.ts";
import {
  boolean,
  type Check,
  duration,
  durationOrAuto,
  expected,
  httpUrlOrPath,
  type Infer,
  integer,
  type LeafNode,
  oneOf,
  optionalString,
  pathList,
  pollSetting,
  string,
  stringList,
  stringMap,
} from "./schema-dsl.ts";
import { list, object } from "./schema-object.ts";
import { withServices } from "./services-schema.ts";

export const DEFAULT_POLL_INTERVAL_MS = 500;

/**
 * Not a port any common dev server, framework or database defaults to (3000-3003, 4000,
 * 4200, 4321, 5000, 5173, 5432, 6006, 6379, 8000, 8080, 8787, 8888, 9000, 9229…).
 */
export const DEFAULT_DASHBOARD_PORT = 7357;

export const STOP_SIGNALS = [
  "SIGTERM",
  "SIGINT",
  "SIGHUP",
  "SIGQUIT",
  "SIGKILL",
  "SIGUSR1",
  "SIGUSR2",
] as const;

/** `health_check.expect_status`: statuses, ranges or classes, resolved to `200-399` strings. */
function statusList(options: { description: string; example: unknown }) {
  return {
    kind: "leaf" as const,
    typeName: "status | status[]",
    description: options.description,
    default: DEFAULT_EXPECT_STATUS,
    example: options.example,
    defaultNote: undefined,
    check(raw: unknown, path: string[]): Check<readonly string[]> {
      const parsed = parseExpectStatus(raw);
      if (!parsed.ok)
        return expected(
          path,
          "a status like `200`, a range like `200-399` or a class like `2xx` (or a list of them)",
          parsed.bad,
          "Statuses are 100 to 599; write `expect_status: [200-399]` or `expect_status: [200, 404]`.",
        );
      return { ok: true, value: parsed.ranges.map(formatRange) };
    },
    jsonSchema: () => {
      const entry = {
        anyOf: [
          { type: "integer", minimum: 100, maximum: 599 },
          { type: "string", pattern: "^\\s*(\\d{3}(\\s*-\\s*\\d{3})?|[1-5][xX][xX])\\s*$" },
        ],
      };
      return {
        description: options.description,
        default: DEFAULT_EXPECT_STATUS,
        examples: [options.example],
        anyOf: [{ type: "array", items: entry, minItems: 1 }, ...entry.anyOf],
      };
    },
  };
}

/** A list of `dashboard.allowed_hosts` entries, each checked by the dashboard's own parser. */
function hostList(options: Parameters<typeof stringList>[0]) {
  const base = stringList(options);
  return {
    ...base,
    typeName: "host[]",
    check(raw: unknown, path: string[]): Check<readonly string[]> {
      const list = base.check(raw, path);
      if (!list.ok) return list;
      for (const [i, entry] of list.value.entries()) {
        const parsed = parseAllowedHost(entry);
        if (!parsed.ok) return expected([...path, String(i)], parsed.expected, entry, parsed.hint);
      }
      return { ok: true, value: list.value.map((entry) => entry.toLowerCase()) };
    },
  };
}

/** A TCP port that may be absent (null). */
function optionalPort(options: {
  description: string;
  defaultNote?: string;
  example?: number;
}): LeafNode<number | null> {
  const base = integer({ ...options, default: 0, min: 1, max: 65_535 });
  return {
    ...base,
    default: null,
    typeName: "port",
    check(raw: unknown, path: string[]): Check<number | null> {
      if (raw === null || raw === undefined) return { ok: true, value: null };
      return base.check(raw, path);
    },
    jsonSchema: () => {
      const { default: _zero, ...rest } = base.jsonSchema();
      return { ...rest, type: ["integer", "null"] };
    },
  };
}

const singleServiceSchema = object("hotreload configuration (.hotreload.yaml)", {
  root: string({
    description: "Project directory to watch; relative paths are resolved from the config file.",
    default: ".",
    example: "./myproject",
  }),
  build: optionalString({
    description:
      "Build command, run through the platform shell. Empty or absent: changes restart `exec` directly.",
    default: null,
    defaultNote: "detected (Go: `go build` into the cache directory)",
    example: "go build -o ./bin/server ./cmd/server",
  }),
  exec: optionalString({
    description: "Command that runs the server; started in its own process group.",
    default: null,
    defaultNote: "detected; required otherwise",
    example: "./bin/server",
  }),
  entry: optionalString({
    description:
      "Which of several entry points detection builds and runs when the project has more than one (Go: `./cmd/api`; Cargo: a `[[bin]]` name). Ignored when `exec` is set.",
    default: null,
    defaultNote: "the only one; `hotreload init` lists them",
    example: "./cmd/api",
  }),
  debounce: durationOrAuto({
    description:
      "Quiet window after the last file event before a batch is processed. `auto`: 5ms for a few events (an editor save), 100ms once a batch looks like a burst (a checkout) or a file in it is missing or empty. A duration: that fixed window.",
    default: "auto",
    example: "300ms",
    max: 60_000,
  }),
  debounce_max: duration({
    description:
      "Longest a batch may wait while events keep arriving, so an endless stream still builds.",
    default: 1000,
    example: "2s",
    max: 600_000,
  }),
  ext: stringList({
    description:
      "File extensions that trigger a rebuild (with or without the dot). Empty: every file.",
    default: [],
    defaultNote:
      "detected (Go: `.go`, `.mod`, `.sum`, …); otherwise source and template files (not docs, styles or images)",
    example: [".go", ".tmpl"],
  }),
  watch: pathList({
    description:
      "Extra directories to watch besides root (relative to root, or absolute), with the same filters; changes there are reported as paths relative to root (`../shared/x.go`).",
    default: [],
    defaultNote: "detected (local packages the project depends on by path)",
    example: ["../shared", "/opt/company/lib"],
  }),
  ignore_patterns: stringList({
    description: "Extra globs (picomatch, relative to root) that never trigger a rebuild.",
    default: [],
    defaultNote:
      "detected ones are added (Go: `**/*_test.go`, `**/testdata/**`; Python: `__pycache__`, virtualenvs)",
    example: ["**/*_test.go", "tmp/**"],
  }),
  follow_symlinks: boolean({
    description: "Watch directories reached through symbolic links (loops are detected).",
    default: false,
  }),
  poll: pollSetting({
    description:
      "Poll with stat instead of native events: `true` or an interval. Chosen automatically on mounts that deliver no events.",
    default: false,
    interval: DEFAULT_POLL_INTERVAL_MS,
    // A poll every minute is no longer watching; above the timer limit it would spin.
    min: 10,
    max: 60_000,
    example: "500ms",
  }),
  on_busy: oneOf(["restart", "queue"] as const, {
    description:
      "A change during a build: `restart` cancels it and builds again; `queue` lets it finish, then builds again.",
    default: "restart",
  }),
  rules: list(
    object("a rule: what a change to the files it matches triggers", {
      match: globList({
        description:
          "Glob or list of globs (picomatch, relative to root; a pattern without `/` matches the file name at any depth). Matching files are watched whatever `ext` says.",
        default: [],
        required: true,
        example: ["views/**/*.hbs"],
      }),
      action: oneOf(["rebuild", "restart", "reload", "ignore"] as const, {
        description:
          "`rebuild` (build, then swap), `restart` (swap without a build), `reload` (reload the browsers through the proxy's live reload), `ignore` (nothing).",
        default: "rebuild",
      }),
      run: commandSpec({
        description:
          "Command run in root before the action, once per batch (e.g. a code generator); its failure stops the action and keeps the server running. Gets `HOTRELOAD_CHANGED_FILES`.",
        default: null,
        example: "templ generate",
      }),
    }),
    {
      description:
        "What a change triggers, per glob, in order: the first rule that matches a file decides for it; unmatched files rebuild; a batch gets its strongest action (rebuild > restart > reload).",
      defaultNote: "detected (e.g. Go templates restart, static assets reload)",
      example: [{ match: "views/**", action: "restart" }],
    },
  ),
  hooks: object(
    "Commands run at points of the reload cycle, through the shell in root, each in its own process group.",
    {
      before_build: commandSpec({
        description:
          "Before each build; a failure is reported like a failed build and keeps the server running.",
        default: null,
        example: "sqlc generate",
      }),
      after_build: commandSpec({
        description:
          "After each successful build, before the swap; a failure is reported like a failed build and keeps the server running.",
        default: null,
        example: "cp -r assets bin/",
      }),
      after_ready: commandSpec({
        description:
          "After the first start and each good swap, once the new server is up (and healthy, with a health check); gets `HOTRELOAD_PID`.",
        default: null,
        example: "curl -fsS localhost:8080/warmup",
      }),
      on_crash: commandSpec({
        description:
          "When the server exits on its own with a failure; gets `HOTRELOAD_PID` and `HOTRELOAD_EXIT_CODE`.",
        default: null,
        example: "notify-send crashed",
      }),
      timeout: duration({
        description:
          "How long a hook or a rule's `run` may take before its whole process group is killed and it counts as failed; `{command, timeout}` sets one for a single command.",
        default: 60_000,
        min: 1,
        max: MAX_HOOK_TIMEOUT_MS,
      }),
    },
  ),
  clear: boolean({
    description: "Clear the terminal before each build (not before the first).",
    default: false,
  }),
  timestamps: boolean({
    description:
      "Prefix hotreload's own lines with the local time (the app's lines stay as they are).",
    default: false,
  }),
  keys: boolean({
    description:
      "Single-key shortcuts (r, q, c, h…) when stdin is a terminal; `false` passes every keystroke to the server.",
    default: true,
  }),
  env: stringMap({
    description:
      "Extra environment variables for the build and the server; they win over `env_file` and the inherited environment, and `--env` wins over them.",
    default: {},
    example: { PORT: "8080", APP_ENV: "dev" },
  }),
  env_file: pathList({
    description:
      "Dotenv files (relative to root) loaded into the build's and the server's environment, in order, later files winning. Always watched, even when git-ignored: an edit restarts the server without a rebuild. Values are never printed.",
    default: [],
    example: [".env", ".env.local"],
  }),
  health_check: object("HTTP readiness probe run after each start.", {
    enabled: boolean({
      description:
        "Probe `url` after each start; only a status in `expect_status` (2xx by default) marks the server ready.",
      default: false,
    }),
    url: httpUrlOrPath({
      description:
        "URL to GET (http or https, a host, a port from 1 to 65535); with the proxy on, a path like `/health` is probed on each instance's own port.",
      default: null,
      example: "http://localhost:8080/health",
    }),
    timeout: duration({
      description: "Timeout of one probe.",
      default: 5000,
      min: 1,
      max: 600_000,
    }),
    interval: duration({
      description: "Wait between probes.",
      default: 500,
      min: 1,
      max: 600_000,
    }),
    max_retries: integer({
      description: "Probes before the server is reported unhealthy.",
      default: 10,
      min: 1,
      max: 10_000,
    }),
    expect_status: statusList({
      description:
        "Statuses that mark the server ready: a status, a range or a class (`2xx`), or a list of them. Redirects are not followed, so `3xx` counts a redirect as ready.",
      example: ["200-399"],
    }),
  }),
  stop: object("How a running server is stopped before the next one starts.", {
    signal: oneOf(STOP_SIGNALS, {
      description: "Signal sent to the server's process group.",
      default: "SIGTERM",
    }),
    timeout: duration({
      description: "Wait after the signal before SIGKILL of the whole group.",
      default: 5000,
      max: 3_600_000,
    }),
  }),
  crash: object("Crash-loop protection: exponential backoff between restarts.", {
    // Below 100ms a crash loop restarts faster than anyone can read it (`0` would spin).
    backoff_initial: duration({
      description: "First wait after a crash.",
      default: 1000,
      min: 100,
      max: 3_600_000,
    }),
    backoff_max: duration({
      description: "Longest wait between restarts.",
      default: 32_000,
      min: 100,
      max: 3_600_000,
    }),
    reset_after: duration({
      description: "A server that stays up this long resets the crash count.",
      default: 10_000,
    }),
  }),
  editor_url: string({
    description:
      "Link that opens `file:line:col` from a build error in your editor (dashboard, browser overlay); `{file}` (absolute path, forward slashes; a `/` before it is not doubled), `{line}` and `{col}` are filled in. Empty: no links.",
    default: "vscode://file/{file}:{line}:{col}",
    example: "idea://open?file={file}&line={line}",
    pattern: /^$|\{file\}/,
    patternHint:
      "a URL template containing `{file}` (and optionally `{line}`, `{col}`), or an empty string",
  }),
  notifications: object("Desktop notifications.", {
    enabled: boolean({
      description: "Notify on build failure, recovery, crash loop and unhealthy server.",
      default: true,
    }),
  }),
  restart: oneOf(["on_failure", "always", "never"] as const, {
    description:
      "When the server exits on its own: `on_failure` restarts it after a crash (a non-zero exit or a signal) with backoff and waits for a change after a clean exit (0); `always` restarts after either, with the same backoff; `never` waits for a change.",
    default: "on_failure",
  }),
  proxy: object(
    "hotreload's own port in front of the server: new instances start beside the old one and traffic switches when they are ready (docs/PROXY.md).",
    {
      enabled: boolean({
        description:
          "Listen on `port` and forward to the active instance; each instance gets its own loopback port in `app_port_env` (and `{port}` in `exec`).",
        default: false,
      }),
      port: optionalPort({
        description: "Public port the proxy listens on (the one you open in the browser).",
        defaultNote: "required when enabled",
        example: 8080,
      }),
      host: string({
        description: "Interface the proxy binds; anything but loopback exposes it to your network.",
        default: "127.0.0.1",
      }),
      app_port_env: string({
        description: "Environment variable that tells each instance the port to listen on.",
        default: "PORT",
        pattern: /^[A-Za-z_][A-Za-z0-9_]*$/,
        patternHint: "an environment variable name like `PORT`",
      }),
      swap: oneOf(["overlap", "stop_first"] as const, {
        description:
          "`overlap`: the new instance starts beside the old one and takes over when ready. `stop_first`: the old one stops first (for apps that cannot run twice); requests are held meanwhile.",
        default: "overlap",
      }),
      drain_timeout: duration({
        description:
          "After a swap, how long in-flight requests and open streams may finish on the old instance before it is stopped.",
        default: 10_000,
        max: 3_600_000,
      }),
      hold_timeout: duration({
        description:
          "How long a request may wait for an instance to become ready before it gets a 503 (or a status page).",
        default: 30_000,
        min: 1,
        max: 3_600_000,
      }),
      hold_max: integer({
        description: "Most requests held at once; more get a 503 at once.",
        default: 1000,
        min: 0,
        max: 100_000,
      }),
    },
  ),
  live_reload: object(
    "Browser live reload through the proxy: HTML pages get a small script that reloads them once the new server is ready, swaps stylesheets in place and shows build errors (docs/PROXY.md).",
    {
      enabled: boolean({
        description:
          "Inject the live-reload client into the HTML pages the proxy serves (only with `proxy.enabled`).",
        default: true,
      }),
      css: stringList({
        description:
          "Globs (picomatch, relative to root) of stylesheets the app serves from disk: a change that touches only these neither rebuilds nor restarts, and open pages swap their stylesheets in place. Empty: they are files like any other.",
        default: ["**/*.css"],
        example: ["public/**/*.css"],
      }),
    },
  ),
  dashboard: object("Live local web dashboard.", {
    enabled: boolean({ description: "Serve the dashboard.", default: false }),
    port: integer({
      description: `Dashboard port. The default, ${DEFAULT_DASHBOARD_PORT}, is clear of the usual app ports (3000, 5173, 8080…); when it is taken the next free one is used and printed. A port you set is used as it is.`,
      default: DEFAULT_DASHBOARD_PORT,
      min: 1,
      max: 65_535,
    }),
    host: string({
      description: "Interface to bind; anything but loopback exposes it to your network.",
      default: "127.0.0.1",
    }),
    allowed_hosts: hostList({
      description:
        "More names the dashboard answers to (Host and Origin), for a published port with another number or a forwarded URL: `host` (any port), `host:port`, or `.example.com` for it and its subdomains. Never `*`.",
      default: [],
      example: ["localhost:9000", "dash.example.com"],
    }),
  }),
});

/** Every key above, plus `max_parallel_builds` and `services` (services-schema.ts). */
export const configSchema = withServices(singleServiceSchema);

export type ResolvedConfig = Infer<typeof configSchema.shape> & {
  /** Absolute path of the watched root. */
  readonly root: string;
  /** The config file that was loaded, if any. */
  readonly configFile: string | null;
  /** What project detection found, when it filled in defaults. */
  readonly detected: string | null;
};
