// The live-reload client that the proxy injects into the app's HTML pages (docs/PROXY.md).
// It listens on /__hotreload/events and: reloads the page when hotreload says the new
// server is active and healthy (never before), keeping the scroll position; swaps
// stylesheets in place after a CSS-only save; shows the build error or crash overlay.
// It reconnects by itself, with backoff, when hotreload restarts. Served as one classic
// script (client-script.ts joins it with the shared output renderer); all text goes into
// text nodes, and the overlay lives in a shadow root the page's styles cannot reach.
import { outputLines } from "../../../dashboard/ui/output-lines.js";

const OVERLAY_CSS = "__OVERLAY_CSS__";
const EVENTS = "/__hotreload/events";
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 5000;
const ERROR_LINE = /\b(error|panic|fatal|failed|exception)\b|^\S+:\d+(:\d+)?:/i;
const root = document.documentElement;
const scrollKey = `hotreload:scroll:${location.pathname}${location.search}`;

function restoreScroll() {
  let saved = null;
  try {
    saved = sessionStorage.getItem(scrollKey);
    sessionStorage.removeItem(scrollKey);
  } catch (error) {
    console.debug("hotreload: no sessionStorage, the scroll position is not kept", error);
    return;
  }
  if (!saved) return;
  const { x, y } = JSON.parse(saved);
  const apply = () => window.scrollTo(x, y);
  if (document.readyState === "complete") apply();
  else window.addEventListener("load", apply, { once: true });
}

function reload() {
  try {
    sessionStorage.setItem(scrollKey, JSON.stringify({ x: window.scrollX, y: window.scrollY }));
  } catch (error) {
    console.debug("hotreload: no sessionStorage, the scroll position is not kept", error);
  }
  root.setAttribute("data-hotreload-reloading", "");
  location.reload();
}

/** Stylesheet links of this origin whose file name was saved (all of them if none matches). */
function swapStylesheets(paths) {
  const names = new Set(paths.map((p) => p.slice(p.lastIndexOf("/") + 1)));
  const links = [...document.querySelectorAll('link[rel~="stylesheet"][href]')].filter(
    (link) => new URL(link.href, location.href).origin === location.origin,
  );
  const fileName = (link) => new URL(link.href, location.href).pathname.split("/").pop();
  const named = links.filter((link) => names.has(fileName(link)));
  for (const link of named.length > 0 ? named : links) {
    const url = new URL(link.href, location.href);
    url.searchParams.set("hotreload", String(Date.now()));
    const next = link.cloneNode();
    next.removeAttribute("integrity");
    next.href = url.href;
    // The old sheet stays until the new one applies: no flash of unstyled content.
    next.addEventListener("load", () => link.remove(), { once: true });
    next.addEventListener("error", () => next.remove(), { once: true });
    link.after(next);
  }
  root.setAttribute("data-hotreload-css", String(Date.now()));
}

let overlayHost = null;
let overlayId = null;
let dismissed = null;
let ticker = null;

function hideOverlay() {
  if (ticker !== null) clearInterval(ticker);
  ticker = null;
  overlayHost?.remove();
  overlayHost = null;
  overlayId = null;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function meta(overlay) {
  const line = el("p", "meta");
  const at = new Date(overlay.at).toLocaleTimeString();
  const how = overlay.signal ? `killed by ${overlay.signal}` : `exit code ${overlay.exitCode}`;
  if (overlay.kind === "build-failed") {
    line.textContent = `Failed at ${at} (${how}). `;
    line.append(
      overlay.serverRunning
        ? "The previous server is still running: this page is what it serves."
        : "No server is running.",
    );
    return line;
  }
  line.textContent = `${overlay.kind === "swap-failed" ? "Seen" : "Crashed"} at ${at}${overlay.exitCode === null && !overlay.signal ? "" : ` (${how})`}. `;
  if (typeof overlay.retryInMs === "number") {
    let left = Math.ceil(overlay.retryInMs / 1000);
    const count = el("span", "countdown", String(left));
    line.append("Retrying in ", count, " s.");
    ticker = setInterval(() => {
      left = Math.max(0, left - 1);
      count.textContent = String(left);
    }, 1000);
  } else if (overlay.kind === "swap-failed") {
    line.append("The previous server is still running: this page is what it serves.");
  }
  return line;
}

const TITLES = {
  "build-failed": "Build failed",
  crashed: "The server crashed",
  "swap-failed": "The new server did not become ready",
};

function showOverlay(overlay) {
  if (overlay === null) return hideOverlay();
  if (overlay.id === overlayId || overlay.id === dismissed) return;
  hideOverlay();
  overlayId = overlay.id;
  const host = document.createElement("hotreload-overlay");
  const shadow = host.attachShadow({ mode: "open" });
  if (shadow.adoptedStyleSheets !== undefined) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(OVERLAY_CSS);
    shadow.adoptedStyleSheets = [sheet];
  }
  const panel = el("section", `panel ${overlay.kind}`);
  panel.setAttribute("role", "alertdialog");
  panel.setAttribute("aria-label", TITLES[overlay.kind] ?? "hotreload");
  const head = el("header");
  const close = el("button", "close", "×");
  close.title = "Dismiss (Esc)";
  close.addEventListener("click", dismiss);
  head.append(el("h2", "title", TITLES[overlay.kind] ?? overlay.kind), close);
  const out = el("pre", "output");
  outputLines(out, overlay.lines, overlay.links);
  for (const row of out.children) if (ERROR_LINE.test(row.textContent)) row.classList.add("err");
  const hint = el(
    "p",
    "hint",
    overlay.kind === "build-failed"
      ? "Fix it and save: this page reloads once the new server is ready."
      : "This page reloads once a server is ready again.",
  );
  panel.append(head, meta(overlay), out, hint);
  const backdrop = el("div", "backdrop");
  backdrop.append(panel);
  shadow.append(backdrop);
  overlayHost = host;
  root.append(host);
}

function dismiss() {
  dismissed = overlayId;
  hideOverlay();
}

document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && overlayHost) dismiss();
});

let run = null;
let retryMs = RETRY_MIN_MS;

function connect() {
  const source = new EventSource(EVENTS);
  source.addEventListener("hello", (event) => {
    const hello = JSON.parse(event.data);
    retryMs = RETRY_MIN_MS;
    root.setAttribute("data-hotreload-live", "");
    // A new hotreload (it restarted): the page may be stale, reload once it can be served.
    const restarted = run !== null && hello.run !== run;
    run = hello.run;
    if (restarted && hello.ready) return reload();
    showOverlay(hello.overlay);
  });
  source.addEventListener("reload", reload);
  source.addEventListener("css", (event) => swapStylesheets(JSON.parse(event.data).paths));
  source.addEventListener("overlay", (event) => showOverlay(JSON.parse(event.data)));
  source.addEventListener("error", () => {
    // Our own retry (EventSource's is a fixed 3 s and gives up on some failures).
    root.removeAttribute("data-hotreload-live");
    source.close();
    setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
  });
}

if (!root.hasAttribute("data-hotreload-client")) {
  root.setAttribute("data-hotreload-client", "");
  restoreScroll();
  connect();
}
