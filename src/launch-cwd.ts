/**
 * The npm entry (bin/hotreload.js) starts Bun outside the user's directory, so Bun loads
 * neither the project's `.env` nor its `bunfig.toml`, and passes that directory in
 * HOTRELOAD_CWD. Imported first by main.ts: every later module sees the user's cwd, and
 * the variable is gone before any server inherits the environment.
 */
const launchCwd = process.env.HOTRELOAD_CWD;
if (launchCwd !== undefined) {
  delete process.env.HOTRELOAD_CWD;
  process.chdir(launchCwd);
}
