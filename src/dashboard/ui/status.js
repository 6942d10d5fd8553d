// The state panels: header (phase, pid, uptime, health, backoff), recent changes and the
// build error. All text goes through textContent.
import { renderAnsi } from "./ansi.js";
import { formatMs } from "./chart.js";

const $ = (id) => document.getElementById(id);

function uptime(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

function healthText(health) {
  switch (health.status) {
    case "checking":
      return ["health: checking…", "chip-info"];
    case "ok":
      return [`healthy in ${formatMs(health.ms)}`, "chip-ok"];
    case "failed":
      return [`unhealthy: ${health.error}`, "chip-bad"];
    default:
      return ["health —", ""];
  }
}

/** Static parts of the header; call on every state change. */
export function renderHeader(state) {
  const phase = $("phase");
  phase.textContent = state.phase;
  phase.dataset.phase = state.phase;
  $("pid").textContent = state.process ? String(state.process.pid) : "—";
  const [text, cls] = healthText(state.health);
  const health = $("health");
  health.textContent = text;
  health.className = `chip ${cls}`;
  const stop = $("stopstart");
  stop.dataset.command = state.process ? "stop" : "start";
  stop.textContent = state.process ? "Stop" : "Start";
  document.title = `${state.phase} · hotreload`;
}

/** Time-driven parts: uptime and the backoff countdown. `now` is server time. */
export function renderClock(state, now) {
  $("uptime").textContent = state.process ? uptime(now - state.process.startedAt) : "—";
  const backoff = $("backoff");
  const left = state.backoff ? state.backoff.until - now : 0;
  backoff.hidden = !(state.phase === "backoff" && state.backoff && left > 0);
  if (!backoff.hidden) {
    backoff.textContent = `restart #${state.backoff.attempt} in ${(left / 1000).toFixed(1)}s`;
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
    head.textContent = `${new Date(batch.time).toLocaleTimeString()} · ${batch.total} file${batch.total === 1 ? "" : "s"}`;
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

export function renderError(error) {
  const section = $("error");
  section.hidden = error === null;
  if (error === null) return;
  const how = error.signal ? `killed by ${error.signal}` : `exit code ${error.exitCode}`;
  $("error-title").textContent =
    `Build #${error.seq} failed (${how}, ${formatMs(error.durationMs)})`;
  const out = $("error-output");
  out.replaceChildren();
  for (const line of error.tail) {
    renderAnsi(out, line);
    out.append("\n");
  }
}
