// The state panels: header (status, pid, uptime, health, backoff, build timer), the tab's
// title and favicon, recent changes and the build error. All text goes through textContent.
import { outputLines } from "./output-lines.js";
import { formatElapsed, formatMs, formatTime } from "./time.js";

const $ = (id) => document.getElementById(id);

function healthText(health) {
  switch (health.status) {
    case "checking":
      return ["health: checking…", "chip-info"];
    case "ok":
      return [`healthy in ${formatMs(health.ms)}`, "chip-ok"];
    case "failed":
      return [`unhealthy: ${health.error}`, "chip-bad"];
    default:
      return [null, ""];
  }
}

/** The status the header, title and favicon show: the server's, or "disconnected". */
export function shownStatus(state, connected) {
  if (!connected) return "disconnected";
  return state?.status ?? "starting";
}

const key = (status) => status.replace(" ", "-");

/** Loads every state icon once, so the tab can show one even when hotreload is gone. */
export function preloadIcons() {
  const states = ["starting", "building", "build failed", "running", "unhealthy", "crashed"];
  for (const status of [...states, "backoff", "stopping", "stopped", "exited", "disconnected"]) {
    new Image().src = `/favicon-${key(status)}.svg`;
  }
}

/** Static parts of the header; call on every state or connection change. */
export function renderHeader(state, connected) {
  const status = shownStatus(state, connected);
  const phase = $("phase");
  phase.textContent = status;
  phase.dataset.phase = key(status);
  document.title = `${status} · hotreload`;
  const icon = document.querySelector("link[rel=icon]");
  const href = `/favicon-${key(status)}.svg`;
  if (icon.getAttribute("href") !== href) icon.setAttribute("href", href);
  document.body.dataset.connected = String(connected);
  if (!state) return;
  // Behind the proxy a new server starts beside the one that serves: both are named.
  const serving = state.process ? String(state.process.pid) : "—";
  $("pid").textContent = state.candidate ? `${serving} → ${state.candidate.pid}` : serving;
  const [text, cls] = healthText(state.health);
  const health = $("health");
  health.hidden = text === null;
  health.textContent = text ?? "";
  health.className = `chip ${cls}`;
  const stop = $("stopstart");
  stop.dataset.command = state.process ? "stop" : "start";
  if (!stop.dataset.pending) stop.textContent = state.process ? "Stop" : "Start";
}

/**
 * Time-driven parts: uptime, the backoff countdown, the running build's timer. `now` is
 * server time. Disconnected, nothing ticks: the process may be gone with hotreload.
 */
export function renderClock(state, now, connected) {
  const uptime = $("uptime");
  const backoff = $("backoff");
  const elapsed = $("elapsed");
  if (!connected) {
    backoff.hidden = true;
    elapsed.hidden = true;
    if (state?.process) uptime.title = "not counting: the connection to hotreload is lost";
    return;
  }
  uptime.title = "";
  uptime.textContent = state.process ? formatElapsed(now - state.process.startedAt) : "—";
  const left = state.backoff ? state.backoff.until - now : 0;
  backoff.hidden = !(state.phase === "backoff" && state.backoff && left > 0);
  if (!backoff.hidden) {
    backoff.textContent = `restart #${state.backoff.attempt} in ${(left / 1000).toFixed(1)}s`;
  }
  const build = state.builds.at(-1);
  elapsed.hidden = !(state.phase === "building" && build && build.outcome === "building");
  if (!elapsed.hidden) {
    elapsed.textContent = `build #${build.seq} · ${formatElapsed(now - build.startedAt)}`;
  }
}

const KIND = { create: "+", modify: "~", delete: "−", rename: "→" };

export function renderChanges(changes) {
  const list = $("changes");
  if (changes.length === 0) {
    const empty = document.createElement("li");
    empty.className = "muted";
    empty.textContent = "No changes yet.";
    list.replaceChildren(empty);
    return;
  }
  const items = [...changes].reverse().map((batch) => {
    const li = document.createElement("li");
    const head = document.createElement("div");
    head.className = "change-head";
    head.textContent = `${formatTime(batch.time)} · ${batch.total} file${batch.total === 1 ? "" : "s"}`;
    const outcome = document.createElement("span");
    outcome.className = "change-outcome";
    outcome.textContent = batch.outcome ? ` → ${batch.outcome}` : " → waiting…";
    head.append(outcome);
    const files = document.createElement("ul");
    for (const file of batch.files) {
      const f = document.createElement("li");
      const kind = document.createElement("span");
      kind.className = `kind k-${file.kind}`;
      kind.textContent = KIND[file.kind] ?? "?";
      kind.title = file.kind;
      f.append(kind, ` ${file.path}`);
      files.append(f);
    }
    if (batch.total > batch.files.length) {
      const more = document.createElement("li");
      more.className = "muted";
      more.textContent = `… and ${batch.total - batch.files.length} more`;
      files.append(more);
    }
    li.append(head, files);
    return li;
  });
  list.replaceChildren(...items);
}

export function renderError(error, status) {
  const section = $("error");
  section.hidden = error === null;
  if (error === null) return;
  const how = error.signal ? `killed by ${error.signal}` : `exit code ${error.exitCode}`;
  $("error-title").textContent =
    `Build #${error.seq} failed at ${formatTime(error.time)} (${how}, ${formatMs(error.durationMs)})`;
  const server =
    error.serverPid !== null
      ? `The previous server (pid ${error.serverPid}) keeps running.`
      : "No server is running.";
  $("error-meta").textContent =
    status === "building" ? `${server} A new build is running.` : server;
  const out = $("error-output");
  out.replaceChildren();
  outputLines(out, error.head, error.links);
  if (error.omitted > 0) {
    const gap = document.createElement("span");
    gap.className = "omitted";
    gap.textContent = `… ${error.omitted} line${error.omitted === 1 ? "" : "s"} omitted …`;
    out.append(gap, "\n");
  }
  outputLines(out, error.tail, error.links);
}
