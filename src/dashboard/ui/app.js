// The dashboard page: one websocket to the engine, reconnecting by itself with capped
// backoff. The server reduces the history; the page only draws it and the log lines.
// The token comes once, in the URL hotreload printed: the server keeps it in an HttpOnly
// cookie for this run, so the page drops it from the address bar and never stores it. A new
// hotreload run has a new token and refuses the old one: the page then says to open the URL
// the new run printed (see docs/DASHBOARD.md, "Threat model").
import { createActions } from "./actions.js";
import { renderChart } from "./chart.js";
import { createLogView } from "./log-view.js";
import { marker } from "./markers.js";
import { combinedView, renderServiceFilter, renderServiceList } from "./services.js";
import { preloadIcons, renderChanges, renderClock, renderError, renderHeader } from "./status.js";
import { formatMs } from "./time.js";

const $ = (id) => document.getElementById(id);

const address = new URL(location.href);
/**
 * The token from the URL, in memory only, for when the cookie does not come back (cookies
 * blocked, or a forwarding proxy that drops them): then the page sends it itself. Dropped
 * as soon as the server refuses it; never stored.
 */
let urlToken = address.searchParams.get("token");
let sendToken = false;
if (address.searchParams.has("token")) {
  address.searchParams.delete("token");
  history.replaceState(history.state, "", address);
}
try {
  // Versions before the cookie kept the token here; it must not outlive its run.
  sessionStorage.removeItem("hotreload.token");
} catch (error) {
  console.debug("hotreload: session storage unavailable", error);
}

const logView = createLogView({
  root: $("log"),
  followButton: $("follow"),
  countEl: $("log-count"),
});
const buttons = [...document.querySelectorAll("button[data-command]")];
const LOG_PAGE = 1000;
let state = null;
/** With `services:`: each service's history (by name, in start order), else null. */
let services = null;
/** The service the page shows and the buttons act on; null: all of them. */
let selected = null;
let connected = false;
let skew = 0; // server time minus page time
let socket = null;
let failures = 0;
let retryTimer = 0;
let retryAt = 0;
/** Why the page is not connected: "lost", "down", "full", "token", or null while live. */
let trouble = null;
let maxClients = 64;
let runPid = null;
/** Line numbers (server's) of the oldest line shown and the oldest the server keeps. */
let logFrom = 0;
let logFirst = 0;

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

/** The banner while not connected; `in` counts down to the next attempt. */
function troubleNotice() {
  const left = Math.max(0, Math.ceil((retryAt - Date.now()) / 1000));
  const next = `trying again in ${left} s (attempt ${failures})`;
  switch (trouble) {
    case "token":
      return notice(
        "This page's token is not valid for the running hotreload: it was restarted (a new run has a new token and refuses old ones) or the page was opened without its token. Open the URL hotreload printed in the terminal (…/?token=…).",
        "bad",
      );
    case "full":
      return notice(
        `Too many dashboard clients (${maxClients}): close another dashboard tab — ${next}.`,
        "warn",
      );
    case "down":
      return notice(`hotreload is not running (it quit or was stopped) — ${next}.`, "warn");
    case "lost":
      return notice(`Lost the connection to hotreload — ${next}.`, "warn");
    default:
      return undefined;
  }
}

function setConnection(status, text) {
  const el = $("conn");
  el.dataset.state = status;
  el.textContent = text;
  connected = status === "open";
  for (const b of buttons) b.disabled = !connected;
  renderTop();
}

/** What the header, chart and panels draw: the page's history, or the picked service's. */
function shown() {
  if (!services) return state;
  if (selected === null) return state && combinedView(services);
  return services.find((s) => s.name === selected) ?? combinedView(services);
}

function renderTop() {
  const view = shown();
  renderHeader(view, connected);
  const all = services !== null && selected === null;
  $("pid").previousElementSibling.textContent = all ? "running" : "pid";
  if (!all || !view) return;
  // "all": no one pid; Stop stops every running service, Start starts them when none runs.
  $("pid").textContent = `${services.filter((s) => s.process).length} of ${services.length}`;
  const stop = $("stopstart");
  const any = services.some((s) => s.process);
  stop.dataset.command = any ? "stop" : "start";
  if (!stop.dataset.pending) stop.textContent = any ? "Stop all" : "Start all";
}

function select(name) {
  selected = name;
  // Picking a service shows its lines; the filter can still be changed on its own.
  $("service-filter").value = name ?? "";
  logView.setService(name);
  renderState();
}

function renderServices() {
  const panel = $("services");
  panel.hidden = !services;
  document.body.dataset.view = services ? (selected === null ? "all" : "service") : "single";
  $("service-filter").hidden = !services;
  const label = $("actions-for");
  label.hidden = !services;
  if (!services) return;
  if (selected !== null && !services.some((s) => s.name === selected)) selected = null;
  renderServiceList($("service-rows"), services, selected, select);
  renderServiceFilter($("service-filter"), services);
  label.textContent = selected === null ? "all services:" : `${selected}:`;
  $("actions").setAttribute(
    "aria-label",
    selected === null ? "Commands for every service" : `Commands for ${selected}`,
  );
}

function renderState() {
  renderServices();
  const view = shown();
  renderTop();
  renderClock(view, Date.now() + skew, connected);
  // "all" shows the list and the combined log; a service, its own chart and error.
  if (services && selected === null) {
    $("error").hidden = true;
    return;
  }
  renderPanels(view);
}

function renderPanels(state) {
  renderError(state.lastError, state.status);
  renderChanges(state.changes);
  const detail = $("chart-detail");
  renderChart(
    $("chart"),
    $("chart-max"),
    state.builds,
    (text) => {
      detail.textContent = text;
    },
    $("chart-axis"),
  );
  // The start-up build is not a reload, and one in progress has no time yet.
  const reloads = state.builds.filter(
    (b) => b.outcome === "ok" && b.done && !b.initial && b.durationMs !== null,
  );
  const avg = reloads.length
    ? reloads.reduce((s, b) => s + b.durationMs, 0) / reloads.length
    : null;
  $("builds-summary").textContent = state.builds.length
    ? `${state.builds.length} shown${avg === null ? "" : ` · average reload ${formatMs(avg)} (${reloads.length})`}`
    : "none yet";
}

/** Takes the services' histories that came with a message (the others are unchanged). */
function mergeServices(list) {
  if (!list) return;
  if (!services) services = [];
  for (const view of list) {
    const at = services.findIndex((s) => s.name === view.name);
    if (at >= 0) services[at] = view;
    else services.push(view);
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

function renderMore() {
  const more = $("log-more");
  const kept = logFrom - logFirst;
  more.hidden = kept <= 0;
  more.textContent = `Show ${Math.min(kept, LOG_PAGE)} earlier lines (${kept} more kept)`;
}

/** Fetches up to `limit` lines before the oldest shown one. */
async function loadEarlier(limit) {
  if (logFrom <= logFirst) return;
  const res = await api(`/api/logs?end=${logFrom}&limit=${limit}`);
  if (!res.ok) return;
  const page = await res.json();
  logView.prepend(page.lines.slice(0, Math.max(0, logFrom - page.from)));
  logFrom = Math.min(logFrom, page.from);
  if (page.lines.length === 0) logFirst = logFrom;
  renderMore();
}

function handle(msg) {
  switch (msg.type) {
    case "snapshot":
      if (runPid !== null && msg.run.pid !== runPid) {
        notice(`Connected to a new hotreload run (pid ${runPid} → ${msg.run.pid}).`, "info");
      }
      runPid = msg.run.pid;
      $("run-pid").textContent = String(msg.run.pid);
      skew = msg.now - Date.now();
      state = msg;
      services = msg.services ?? null;
      $("config").textContent = JSON.stringify(msg.config, null, 2);
      $("chart-detail").textContent = "Hover or focus a bar for details.";
      logView.clear();
      logView.append(msg.logs);
      logFrom = msg.logFrom;
      logFirst = msg.logFirst;
      renderMore();
      renderState();
      break;
    case "event":
    case "batch":
      receive(msg.type === "event" ? [msg.event] : msg.events);
      if (msg.state) {
        state = { ...state, ...msg.state };
        mergeServices(msg.services);
        renderState();
      }
      break;
    case "gap":
      state = { ...state, ...msg.state };
      if (msg.services) services = msg.services;
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
      logFirst = logFrom = 0; // nothing earlier is kept after a clear
      renderMore();
      break;
    case "ack":
      actions.acknowledged(msg);
      break;
    case "error":
      if (!actions.refused(msg.message))
        notice(`The dashboard refused a message: ${msg.message}`, "bad");
      break;
    default:
      break;
  }
}

/** Asks the server why the websocket closed: gone, full, or this token refused. */
/** A GET to our API with the cookie, or with the in-memory token once the cookie failed. */
function api(path) {
  return fetch(path, sendToken ? { headers: { "X-Hotreload-Token": urlToken } } : {});
}

async function explainFailure() {
  try {
    const res = await api("/api/status");
    const refusal = res.status === 401 ? ((await res.json()).error ?? "") : "";
    if (refusal === "missing token" && urlToken !== null && !sendToken) {
      // The cookie did not come back: use the token this page was opened with.
      sendToken = true;
      clearTimeout(retryTimer);
      retryTimer = setTimeout(connect, 0);
      return;
    }
    if (res.status === 401) {
      if (sendToken) urlToken = null; // refused: never used again
      sendToken = false;
      trouble = "token";
      clearTimeout(retryTimer);
      setConnection("closed", "not allowed");
    } else if (res.ok) {
      const status = await res.json();
      maxClients = status.maxClients;
      if (status.clients >= status.maxClients) trouble = "full";
    }
  } catch (error) {
    // Nothing answers: hotreload is gone (quit or killed), or is starting again.
    console.debug("hotreload: status probe failed", error);
    if (trouble === "lost") trouble = "down";
  }
  troubleNotice();
}

function connect() {
  clearTimeout(retryTimer);
  const query = sendToken && urlToken ? `?token=${encodeURIComponent(urlToken)}` : "";
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws${query}`;
  setConnection("connecting", failures ? "reconnecting…" : "connecting…");
  const ws = new WebSocket(url);
  socket = ws;
  ws.onopen = () => {
    if (socket !== ws) return;
    failures = 0;
    trouble = null;
    if ($("notice").dataset.kind !== "info") notice("");
    setConnection("open", "live");
  };
  ws.onmessage = (message) => {
    if (socket === ws) handle(JSON.parse(message.data));
  };
  ws.onclose = () => {
    if (socket !== ws) return;
    socket = null;
    failures++;
    retryAt = Date.now() + retryDelay(failures);
    trouble = "lost";
    // Said at once: whatever the header showed is no longer known to be true.
    setConnection("closed", "disconnected");
    actions.disconnected();
    troubleNotice();
    explainFailure();
    retryTimer = setTimeout(connect, retryDelay(failures));
  };
}

const actions = createActions({
  buttons,
  resultEl: $("action-result"),
  send(command, service) {
    if (socket?.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify({ type: "command", command, ...(service ? { service } : {}) }));
    return true;
  },
  settled: () => state && renderTop(),
  target: () => selected,
});

$("service-filter").addEventListener("change", (e) => logView.setService(e.target.value || null));

$("log-more").addEventListener("click", () => loadEarlier(LOG_PAGE));

const streams = [...document.querySelectorAll("input[name=stream]")];
for (const box of streams) {
  box.addEventListener("change", () =>
    logView.setStreams(new Set(streams.filter((b) => !b.checked).map((b) => b.value))),
  );
}
let searchTimer = 0;
$("search").addEventListener("input", (e) => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(async () => {
    // A search covers every line the server keeps, not only the recent ones shown first.
    if (e.target.value.trim() !== "") await loadEarlier(5000);
    logView.setQuery(e.target.value);
  }, 120);
});

setInterval(() => {
  if (state) renderClock(shown(), Date.now() + skew, connected);
  if (!connected && trouble !== null && trouble !== "token") troubleNotice();
}, 250);

preloadIcons();
connect();
