// Engine milestones shown between log lines, so a reload (and what led to it) is visible in
// the log: one marker line per event that matters, none for the rest.
/** The marker line for event `e`, or null. */
export function marker(e) {
  const at = (line, kind = "marker") => ({
    time: e.time,
    stream: "engine",
    line,
    kind,
    ...(e.service ? { service: e.service } : {}),
  });
  switch (e.type) {
    case "build.started":
      return at(`── build #${e.seq} started: ${e.reason}`);
    case "build.finished":
      return e.ok
        ? null
        : at(
            `── build #${e.seq} failed (${e.hook ? `${e.hook} hook: ` : ""}${e.signal ?? `exit ${e.exitCode}`})`,
            "marker bad",
          );
    case "rules.applied": {
      const fired = e.hits.filter((h) => h.rule !== null);
      const shown = fired.slice(0, 3).map((h) => `${h.path} → ${h.action}`);
      const more = fired.length > 3 ? ` +${fired.length - 3}` : "";
      return at(`── rules: ${shown.join(", ")}${more} (batch: ${e.action})`);
    }
    case "hook.finished": {
      const name = e.hook === "run" ? `\`${e.command}\`` : `${e.hook} hook`;
      if (e.ok) return at(`── ${name} done`);
      const how = e.timedOut ? "timed out" : (e.signal ?? `exit ${e.exitCode}`);
      return at(`── ${name} failed (${how})`, "marker bad");
    }
    case "browser.reload":
      return at(
        `── browsers reloaded${e.paths.length ? `: ${e.paths.join(", ")}` : ""}`,
        "marker good",
      );
    case "build.cancelled":
      return at(`── build #${e.seq} cancelled: ${e.reason}`);
    case "build.skipped":
      return at(`── build skipped: ${e.reason}`);
    case "reload.done":
      return e.unhealthy === undefined
        ? at(
            `── reload #${e.seq} done${e.action === "restart" ? " (restart, no build)" : ""}`,
            "marker good",
          )
        : at(`── reload #${e.seq} unhealthy: ${e.unhealthy}`, "marker bad");
    case "process.exited":
      return e.requested
        ? null
        : at(`── process ${e.pid} exited (${e.signal ?? `code ${e.exitCode}`})`, "marker bad");
    case "command.requested":
      return at(
        `── ${e.command} requested from the ${e.source}${e.service ? ` for ${e.service}` : e.all ? " for every service" : ""}`,
      );
    case "notice":
      return e.level === "debug" ? null : at(`[${e.tag}] ${e.message}`, `notice-${e.level}`);
    default:
      return null;
  }
}
