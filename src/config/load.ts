/**
 * Turns what the user wrote (config file, flags) into one resolved, frozen configuration.
 * Precedence: built-in defaults < detected project defaults < config file < flags.
 * Nothing downstream looks at raw options again.
 */
import { existsSync, readFileSync, type Stats, statSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { hotreloadError, type Result } from "../errors.ts";
import {
  type Detection,
  detectProject,
  isPythonCommand,
  PYTHON_ENV,
  SOURCE_EXT,
  staleOutputWarnings,
} from "./detect/index.ts";
import { projectCacheDir } from "./dirs.ts";
import { type FlagValues, flagNameFor, flagsToRaw } from "./flags.ts";
import { configSchema, type ResolvedConfig } from "./schema.ts";
import { keyPath } from "./schema-dsl.ts";
import { parseYamlFile, problemsError, problemsInFile, type YamlFile } from "./yaml-file.ts";

export const CONFIG_FILE_NAMES = [".hotreload.yaml", ".hotreload.yml"] as const;

export interface LoadOptions {
  cwd: string;
  flags: FlagValues;
  /** Skip the "exec is required" check (used by `check` to still print what it resolved). */
  allowMissingExec?: boolean;
}

export interface Loaded {
  config: ResolvedConfig;
  detection: Detection | null;
  /** Absolute paths the watcher must ignore (build outputs of detected projects). */
  outputs: string[];
  /** What the user must know at start: a guess that may be wrong, sources without a build. */
  warnings: string[];
}

type Raw = Record<string, unknown>;

export function findConfigFile(dir: string): string | null {
  for (const name of CONFIG_FILE_NAMES) {
    const file = resolve(dir, name);
    if (existsSync(file)) return file;
  }
  return null;
}

/** What the user wrote, read and checked as a whole (flags and the file), not yet resolved. */
export interface ConfigInput {
  cwd: string;
  flags: FlagValues;
  flagRaw: Raw;
  file: YamlFile | null;
  fileRaw: Raw;
}

/** Where a key of the config came from, for errors: `[]` (top level) or `["services", "api"]`. */
export type KeyPrefix = (key: string) => string[];

export function loadConfig(options: LoadOptions): Result<Loaded> {
  const input = readConfigInput(options);
  if (!input.ok) return input;
  return resolveConfigRaw(input.value, input.value.fileRaw, options);
}

/** Flags and the config file, each validated as a whole (did-you-mean, file:line:col). */
export function readConfigInput(options: LoadOptions): Result<ConfigInput> {
  const { cwd, flags } = options;
  const flagRaw = flagsToRaw(flags);
  if (!flagRaw.ok) return flagRaw;

  const flagCheck = configSchema.check(flagRaw.value, []);
  if (!flagCheck.ok)
    return {
      ok: false,
      error: problemsError(
        flagCheck.problems.map((p) => ({
          text: `${flagNameFor(p.path)}: ${p.message.replace(`\`${keyPath(p.path)}\``, `\`${flagNameFor(p.path)}\``)}`,
          hint: p.hint,
        })),
      ),
    };

  const searchDir = flags.root !== undefined ? resolve(cwd, flags.root) : cwd;
  const file = readConfigFile(
    flags.config !== undefined ? resolve(cwd, flags.config) : null,
    searchDir,
  );
  if (!file.ok) return file;
  const fileRaw = (file.value?.value ?? {}) as Raw;
  if (file.value) {
    if (typeof fileRaw !== "object" || Array.isArray(fileRaw))
      return fail(
        "config.invalid",
        `${file.value.path}: Expected the file to be a mapping of keys, got a list or a value`,
        "Start the file with keys like `exec: ./bin/server`.",
      );
    const fileCheck = configSchema.check(fileRaw, []);
    if (!fileCheck.ok) return { ok: false, error: problemsInFile(file.value, fileCheck.problems) };
  }
  return { ok: true, value: { cwd, flags, flagRaw: flagRaw.value, file: file.value, fileRaw } };
}

/**
 * One resolved configuration from the checked input and the raw keys of the file (the
 * whole file, or one service's keys over the top-level defaults). `at` tells where a key
 * came from; a service's root is its own, so --root (which finds the file) is not used.
 */
export function resolveConfigRaw(
  input: ConfigInput,
  fileRaw: Raw,
  options: { allowMissingExec?: boolean; at?: KeyPrefix; ignoreFlagRoot?: boolean },
): Result<Loaded> {
  const { cwd, flags } = input;
  const { flagRaw, file } = input;
  const at: KeyPrefix = options.at ?? (() => []);
  const rootResult = resolveRoot(
    cwd,
    options.ignoreFlagRoot ? undefined : flags.root,
    fileRaw.root,
    file,
    at("root"),
  );
  if (!rootResult.ok) return rootResult;
  const root = rootResult.value;

  // Detection always runs: an explicit exec (or build) replaces the commands, not the
  // project's ext, ignores, env and watch paths.
  // A blank exec (what `init` writes when it found nothing) is no command at all.
  const explicitExec = [fileRaw.exec, flagRaw.exec].find(
    (v) => v !== undefined && v !== null && !(typeof v === "string" && v.trim() === ""),
  );
  const entry = [flagRaw.entry, fileRaw.entry].find((v) => typeof v === "string");
  const found = detectProject(root, typeof entry === "string" ? { entry } : {});
  const detection = found && explicitExec === undefined ? found : null;
  const pythonExec = typeof explicitExec === "string" && isPythonCommand(explicitExec);
  const detectedRaw: Raw = {
    ext: found ? found.ext : [...SOURCE_EXT],
    env: { ...(pythonExec ? PYTHON_ENV : {}), ...found?.env },
    ...(detection ? { build: detection.build, exec: detection.exec } : {}),
  };

  // Paths from flags are relative to the current directory (as the shell completes them),
  // and add to the file's lists instead of replacing them.
  const { env_file: flagEnvFiles, watch: flagWatch, ...flagRest } = flagRaw;
  const { exec: fileExec, ...fileRest } = fileRaw;
  const fileLayer = fileExec === explicitExec ? fileRaw : fileRest;
  const merged = deepMerge(deepMerge(detectedRaw, fileLayer), flagRest);
  const checked = configSchema.check(merged, []);
  if (!checked.ok)
    return {
      ok: false,
      error: problemsError(checked.problems.map((p) => ({ text: p.message, hint: p.hint }))),
    };

  const config: ResolvedConfig = deepFreeze({
    ...checked.value,
    ext: checked.value.ext.map((e) => (e.startsWith(".") || e === "" ? e : `.${e}`)),
    env_file: [
      ...checked.value.env_file.map((p) => resolve(root, p)),
      ...asPaths(flagEnvFiles).map((p) => resolve(cwd, p)),
    ],
    watch: unique([
      ...(found?.watch ?? []),
      ...checked.value.watch.map((p) => resolve(root, p)),
      ...asPaths(flagWatch).map((p) => resolve(cwd, p)),
    ]).filter((p) => p !== root),
    root,
    configFile: file?.path ?? null,
    ignore_patterns: unique([...(found?.ignore ?? []), ...checked.value.ignore_patterns]),
    // The user's rules first: the first match wins, so they override the detected ones.
    rules: [...checked.value.rules, ...(found?.rules ?? [])],
    detected: found ? (detection ? found.label : `${found.label}; commands from you`) : null,
  });
  if (config.exec === null && !options.allowMissingExec) {
    if (found)
      return fail(
        "config.no-exec",
        `Detected a ${found.label}, but ${found.warnings[0] ?? "found nothing to run: set `exec`"}`,
        found.choices.length > 0
          ? `Pick one: --entry ${found.choices[0]} (or \`entry:\` in .hotreload.yaml), or \`hotreload init\` to write a config that lists them.`
          : 'Add `exec: …` (and usually `build: …`) to .hotreload.yaml, or pass --exec "…".',
      );
    return fail(
      "config.no-exec",
      "No `exec` command is configured, and the project kind could not be detected",
      'Add `exec: ./bin/server` (and usually `build: …`) to .hotreload.yaml, pass --exec "…", or run `hotreload init` to write a config for this project.',
    );
  }
  const badWatch = checkWatchDirs(
    config,
    file,
    fileRaw.watch,
    asPaths(flagWatch),
    cwd,
    at("watch"),
  );
  if (badWatch) return badWatch;
  if (config.health_check.enabled && config.health_check.url === null) {
    const enabledInFile =
      file !== null && (fileRaw.health_check as Raw | undefined)?.enabled !== undefined;
    const where = enabledInFile
      ? `${file.locate([...at("health_check"), "health_check", "enabled"], "key")}: `
      : "";
    return fail(
      "config.health-check-url",
      `${where}health_check.enabled is true, but health_check.url is not set, so there is nothing to probe`,
      "Set `health_check.url: http://localhost:8080/health` (or pass --health-url), or remove `enabled: true`.",
    );
  }
  if (config.proxy.enabled && config.proxy.port === null) {
    return fail(
      "config.proxy-port",
      "proxy.enabled is true, but proxy.port is not set, so there is no port to serve on",
      "Set `proxy.port: 8080` (the port you open in the browser), or pass --proxy 8080.",
    );
  }
  if (!config.proxy.enabled && config.health_check.url?.startsWith("/")) {
    return fail(
      "config.health-check-path",
      `health_check.url is the path ${JSON.stringify(config.health_check.url)}, which only works with the proxy (it is probed on each instance's own port)`,
      "Give the whole URL, e.g. `http://localhost:8080/health`, or turn on the proxy (`proxy.enabled: true`).",
    );
  }
  const outputs = found ? [...found.outputs] : [];
  if (!detection && config.exec !== null) outputs.push(projectCacheDir(root));
  // Detection's notes are about its commands: moot once the user gave their own.
  const warnings = [
    ...(detection ? detection.warnings : staleOutputWarnings(root, config)),
    ...reloadRuleWarnings(checked.value.rules),
  ];
  return { ok: true, value: { config, detection, outputs, warnings } };
}

/** Every extra watch directory exists and is a directory; the error names who asked for it. */
function checkWatchDirs(
  config: ResolvedConfig,
  file: YamlFile | null,
  fileWatch: unknown,
  flagWatch: string[],
  cwd: string,
  prefix: string[],
): { ok: false; error: ReturnType<typeof hotreloadError> } | null {
  const fromFile = typeof fileWatch === "string" ? [fileWatch] : asPaths(fileWatch);
  for (const dir of config.watch) {
    let isDir = false;
    try {
      isDir = statSync(dir).isDirectory();
    } catch {
      // Missing: reported right below, naming the key or flag that asked for it.
    }
    if (isDir) continue;
    const index = fromFile.findIndex((p) => resolve(config.root, p) === dir);
    const source =
      index >= 0 && file
        ? file.locate(
            [...prefix, ...(typeof fileWatch === "string" ? ["watch"] : ["watch", String(index)])],
            "value",
          )
        : flagWatch.some((p) => resolve(cwd, p) === dir)
          ? "--watch"
          : "watch (detected)";
    return fail(
      "config.invalid",
      `${source}: the extra watch directory ${dir} ${existsSync(dir) ? "is not a directory" : "does not exist"}`,
      "`watch` entries are directories, relative to the root or absolute; --watch paths are relative to the current directory.",
    );
  }
  return null;
}

function asPaths(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function unique(paths: string[]): string[] {
  return [...new Set(paths)];
}

/** A configuration file is a few kilobytes; anything this large is not one. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

function readConfigFile(explicit: string | null, dir: string): Result<YamlFile | null> {
  const path = explicit ?? findConfigFile(dir);
  if (path === null) return { ok: true, value: null };
  // Only a file the user named with --config is "--config"'s; a found one is named alone.
  const named = explicit === null ? path : `--config: ${path}`;
  const hint = explicit
    ? "Check the path, or drop --config to use .hotreload.yaml in the project root."
    : "Make it a regular file with the configuration, or remove it.";
  let stat: Stats;
  try {
    stat = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return fail("config.not-found", `${named}: no such file`, hint);
    return fail("config.not-found", `${named}: cannot read: ${(error as Error).message}`, hint);
  }
  // A FIFO or a device would block the read forever or never end; a directory has no text.
  if (!stat.isFile())
    return fail("config.not-a-file", `${named}: is ${fileKind(stat)}, not a regular file`, hint);
  if (stat.size > MAX_CONFIG_BYTES)
    return fail(
      "config.too-large",
      `${named}: is ${stat.size} bytes; a configuration file is at most ${MAX_CONFIG_BYTES} bytes (1 MiB)`,
      "Point --config at the real configuration file; it is a few kilobytes.",
    );
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    return fail(
      "config.not-found",
      `${named}: cannot read: ${(error as Error).message}`,
      "Check the file's permissions.",
    );
  }
  return parseYamlFile(path, text);
}

function fileKind(stat: Stats): string {
  if (stat.isDirectory()) return "a directory";
  if (stat.isFIFO()) return "a FIFO (named pipe)";
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return "a device";
  if (stat.isSocket()) return "a socket";
  return "not a regular file";
}

function resolveRoot(
  cwd: string,
  flagRoot: string | undefined,
  fileRoot: unknown,
  file: YamlFile | null,
  prefix: string[] = [],
): Result<string> {
  let root: string;
  let source: string;
  if (flagRoot !== undefined) {
    root = resolve(cwd, flagRoot);
    source = "--root";
  } else if (typeof fileRoot === "string" && file) {
    root = isAbsolute(fileRoot) ? fileRoot : resolve(dirname(file.path), fileRoot);
    source = file.locate([...prefix, "root"], "value");
  } else {
    root = file ? dirname(file.path) : cwd;
    source = "root";
  }
  let stat: ReturnType<typeof statSync> | undefined;
  try {
    stat = statSync(root);
  } catch {
    // A missing path is the user's error, reported right below with the source that named it.
    return fail(
      "root.missing",
      `${source}: the project root ${root} does not exist`,
      "Pass an existing directory with --root, or fix `root:` in the config file.",
    );
  }
  if (!stat.isDirectory())
    return fail(
      "root.not-directory",
      `${source}: the project root ${root} is not a directory`,
      "The root is the directory to watch; pass its path, not a file's.",
    );
  return { ok: true, value: root };
}

function fail(
  code: Parameters<typeof hotreloadError>[0],
  message: string,
  hint: string,
): { ok: false; error: ReturnType<typeof hotreloadError> } {
  return { ok: false, error: hotreloadError(code, message, hint) };
}

function isPlainObject(value: unknown): value is Raw {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Mappings merge key by key; lists and values are replaced (also services over the top level). */
export function deepMerge(base: Raw, over: Raw): Raw {
  const out: Raw = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    out[key] =
      isPlainObject(value) && isPlainObject(out[key]) ? deepMerge(out[key] as Raw, value) : value;
  }
  return out;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * The user's `reload` rules need the proxy's browser live reload to reach a page; without
 * it their changes are only reported. Said once, at start (detected rules go unsaid).
 */
function reloadRuleWarnings(rules: ResolvedConfig["rules"]): string[] {
  const globs = rules.filter((r) => r.action === "reload").flatMap((r) => r.match);
  if (globs.length === 0) return [];
  return [
    `reload rules (${globs.join(", ")}) reload browser pages only through the proxy's live reload (proxy.enabled with live reload); without it their changes are only reported, nothing restarts`,
  ];
}
