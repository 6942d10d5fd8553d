// The dashboard page: one websocket to the engine, reconnecting by itself with capped
// backoff. The server reduces the history; the page only draws it and the log lines. After
// hotreload restarts, the new run accepts this page's old token once (hand-over) and sends
// its own, which the page swaps into its URL and session storage.
import { formatMs, renderChart } from "./chart.js";
import { createLogView } from "./log-view.js";
import { renderChanges, renderClock, renderError, renderHeader } from "./status.js";

const $ = (id) => document.getElementById(id);
const STORED = "hotreload.token";
let token = new URLSearchParams(location.search).get("token") ?? readStoredToken();
if (token) storeToken(token);
const logView = createLogView({
  root: $("log"),
  followButton: $("follow"),
  countEl: $("log-count"),
});
const buttons = [...document.querySelectorAll("button[data-command]")];
let state = null;
let skew = 0; // server time minus page time
let socket = null;
let failures = 0;
let retryTimer = 0;
let tokenRejected = false;
let runPid = null;

function readStoredToken() {
  try {
    return sessionStorage.getItem(STORED) ?? "";
  } catch (error) {
    console.debug("hotreload: session storage unavailable", error);
    return "";
  }
}

function storeToken(value) {
  try {
    sessionStorage.setItem(STORED, value);
  } catch (error) {
    console.debug("hotreload: session storage unavailable", error);
  }
}

/** The new run's token replaces the old one in the address bar and in session storage. */
function adoptToken(value) {
  token = value;
  storeToken(value);
  const url = new URL(location.href);
  url.searchParams.set("token", value);
  history.replaceState(history.state, "", url);
}

/** 0.5 s, 1 s, 2 s, 4 s, then every 5 s. */
function retryDelay(attempt) {
  return Math.min(5000, 500 * 2 ** Math.max(0, attempt - 1));
}

let noticeTimer = 0;

/** The banner under the header; information notes go away by themselves. */
function notice(text, kind = "info") {
  const el = $("notice");
  el.hidden = text === "";
  el.textContent = text;
  el.dataset.kind = kind;
  clearTimeout(noticeTimer);
  if (text !== "" && kind === "info") noticeTimer = setTimeout(() => notice(""), 10_000);
}

function setConnection(status, text) {
  const el = $("conn");
  el.dataset.state = status;
  el.textContent = text;
  for (const b of buttons) b.disabled = status !== "open";
}

function renderState() {
  renderHeader(state);
  renderClock(state, Date.now() + skew);
  renderError(state.lastError);
  renderChanges(state.changes);
  const detail = $("chart-detail");
  renderChart($("chart"), $("chart-max"), state.builds, (text) => {
    detail.textContent = text;
  });
  const done = state.builds.filter((b) => b.outcome === "ok" && b.done && b.durationMs !== null);
  const avg = done.length ? done.reduce((s, b) => s + b.durationMs, 0) / done.length : null;
  $("builds-summary").textContent = state.builds.length
    ? `${state.builds.length} shown${avg === null ? "" : `, average reload ${formatMs(avg)}`}`
    : "none yet";
}

/** Engine milestones shown between log lines, so a reload is visible in the log. */
function marker(e) {
  const at = (line, kind = "marker") => ({ time: e.time, stream: "engine", line, kind });
  switch (e.type) {
    case "build.started":
      return at(`── build #${e.seq} started: ${e.reason}`);
    case "build.finished":
      return e.ok
        ? null
        : at(`── build #${e.seq} failed (${e.signal ?? `exit ${e.exitCode}`})`, "marker bad");
    case "reload.done":
      return e.unhealthy === undefined
        ? at(`── reload #${e.seq} done`, "marker good")
        : at(`── reload #${e.seq} unhealthy: ${e.unhealthy}`, "marker bad");
    case "process.exited":
      return e.requested
        ? null
        : at(`── process ${e.pid} exited (${e.signal ?? `code ${e.exitCode}`})`, "marker bad");
    case "notice":
      return e.level === "debug" ? null : at(`[${e.tag}] ${e.message}`, `notice-${e.level}`);
    default:
      return null;
  }
}

function receive(events) {
  const lines = [];
  for (const e of events) {
    if (e.type === "log") lines.push(e);
    else {
      const m = marker(e);
      if (m) lines.push(m);
    }
  }
  if (lines.length) logView.append(lines);
}

function handle(msg, ws) {
  switch (msg.type) {
    case "snapshot":
      if (msg.token) {
        // Opened with the previous run's token: take the new one and reconnect with it.
        adoptToken(msg.token);
        ws.close(1000, "token hand-over");
        connect();
      }
      if (runPid !== null && msg.run.pid !== runPid) {
        notice(`Reconnected to a new hotreload run (pid ${runPid} → ${msg.run.pid}).`, "info");
      }
      runPid = msg.run.pid;
      $("run-pid").textContent = String(msg.run.pid);
      skew = msg.now - Date.now();
      state = msg;
      $("config").textContent = JSON.stringify(msg.config, null, 2);
      logView.clear();
      logView.append(msg.logs);
      renderState();
      break;
    case "event":
    case "batch":
      receive(msg.type === "event" ? [msg.event] : msg.events);
      if (msg.state) {
        state = { ...state, ...msg.state };
        renderState();
      }
      break;
    case "gap":
      state = { ...state, ...msg.state };
      logView.append([
        {
          time: Date.now(),
          stream: "engine",
          line: `… ${msg.dropped} events skipped: this page fell behind`,
          kind: "marker bad",
        },
      ]);
      renderState();
      break;
    case "cleared":
      logView.clear();
      break;
    case "error":
      notice(`The dashboard refused a message: ${msg.message}`, "bad");
      break;
    default:
      break;
  }
}

async function explainFailure() {
  try {
    const res = await fetch("/api/snapshot", { headers: { "X-Hotreload-Token": token } });
    if (res.status === 401) {
      tokenRejected = true;
      notice(
        "This page's token is not valid for the running hotreload. Open the URL it printed.",
        "bad",
      );
    }
  } catch (error) {
    // The server is down (the engine is restarting): keep retrying quietly.
    console.debug("hotreload: snapshot probe failed", error);
  }
}

function connect() {
  clearTimeout(retryTimer);
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws?token=${encodeURIComponent(token)}`;
  setConnection("connecting", failures ? "reconnecting…" : "connecting…");
  const ws = new WebSocket(url);
  socket = ws;
  ws.onopen = () => {
    if (socket !== ws) return;
    failures = 0;
    tokenRejected = false;
    if ($("notice").dataset.kind !== "info") notice("");
    setConnection("open", "live");
  };
  ws.onmessage = (message) => {
    if (socket === ws) handle(JSON.parse(message.data), ws);
  };
  ws.onclose = () => {
    if (socket !== ws) return;
    socket = null;
    failures++;
    const delay = retryDelay(failures);
    setConnection("closed", "reconnecting…");
    if (!tokenRejected) {
      notice(
        `Lost the connection to hotreload — reconnecting… (attempt ${failures}, next in ${(delay / 1000).toFixed(1)} s)`,
        "warn",
      );
    }
    if (failures === 3) explainFailure();
    retryTimer = setTimeout(connect, delay);
  };
}

for (const button of buttons) {
  button.addEventListener("click", () => {
    if (socket?.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ type: "command", command: button.dataset.command }));
    }
  });
}

const streams = [...document.querySelectorAll("input[name=stream]")];
for (const box of streams) {
  box.addEventListener("change", () =>
    logView.setStreams(new Set(streams.filter((b) => !b.checked).map((b) => b.value))),
  );
}
let searchTimer = 0;
$("search").addEventListener("input", (e) => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => logView.setQuery(e.target.value), 120);
});

setInterval(() => {
  if (state) renderClock(state, Date.now() + skew);
}, 250);

if (token === "") {
  notice("This page needs the token from the URL hotreload printed (…/?token=…).", "bad");
  setConnection("closed", "no token");
} else {
  connect();
}
