/**
 * The status page's script and style, served from /__hotreload/ (the page's CSP allows no
 * inline code). The script listens to /__hotreload/events and reloads the page as soon as
 * the version it was rendered with is no longer current: the app became ready (the reload
 * shows the app) or the status changed (the reload shows the new status). EventSource
 * reconnects by itself when the proxy restarts. "retrying in N s" counts down meanwhile.
 */

export const STATUS_CLIENT_JS = `"use strict";
(function () {
  var rendered = document.documentElement.getAttribute("data-hotreload-version");
  var retry = document.getElementById("retry-in");
  if (retry) {
    var left = Number(retry.getAttribute("data-seconds"));
    var tick = setInterval(function () {
      left = Math.max(0, left - 1);
      retry.textContent = String(left);
      if (left === 0) clearInterval(tick);
    }, 1000);
  }
  var source = new EventSource("/__hotreload/events");
  source.addEventListener("open", function () {
    document.documentElement.setAttribute("data-live", "true");
  });
  source.addEventListener("status", function (event) {
    var status = JSON.parse(event.data);
    if (String(status.version) !== rendered) {
      source.close();
      document.documentElement.setAttribute("data-reloading", "true");
      location.reload();
    }
  });
})();
`;

export const STATUS_CLIENT_CSS = `:root { color-scheme: light dark; font-family: system-ui, sans-serif; }
body { margin: 0; display: grid; place-items: start center; min-height: 100vh; }
main { max-width: 60rem; width: calc(100% - 2rem); margin-top: 10vh; }
h1 { font-size: 1.4rem; font-weight: 600; }
#note { opacity: 0.7; }
pre { overflow: auto; padding: 1rem; border-radius: 6px; background: rgba(127, 127, 127, 0.12); font-size: 0.85rem; line-height: 1.4; }
html[data-kind="build-failed"] h1, html[data-kind="crashed"] h1, html[data-kind="backoff"] h1 { color: #d33; }
`;
