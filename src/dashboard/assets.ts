/**
 * The page, embedded as text at build time so the compiled binary needs no files beside it.
 */
import actionsJs from "./ui/actions.js" with { type: "text" };
import ansiJs from "./ui/ansi.js" with { type: "text" };
import appCss from "./ui/app.css" with { type: "text" };
import appJs from "./ui/app.js" with { type: "text" };
import chartJs from "./ui/chart.js" with { type: "text" };
import favicon from "./ui/favicon.svg" with { type: "text" };
import indexHtml from "./ui/index.html" with { type: "text" };
import logViewJs from "./ui/log-view.js" with { type: "text" };
import markersJs from "./ui/markers.js" with { type: "text" };
import outputLinesJs from "./ui/output-lines.js" with { type: "text" };
import panelsCss from "./ui/panels.css" with { type: "text" };
import servicesJs from "./ui/services.js" with { type: "text" };
import statusJs from "./ui/status.js" with { type: "text" };
import themeCss from "./ui/theme.css" with { type: "text" };
import timeJs from "./ui/time.js" with { type: "text" };

export interface Asset {
  body: string;
  contentType: string;
}

/** The favicon's colour per header status (as in app.css), so the tab names the state too. */
export const STATUS_COLOURS: Record<string, string> = {
  starting: "#0d9488",
  building: "#2563eb",
  "build-failed": "#c81e1e",
  running: "#15803d",
  unhealthy: "#b45309",
  crashed: "#c81e1e",
  backoff: "#c2410c",
  stopping: "#7c3aed",
  stopped: "#667085",
  exited: "#667085",
  disconnected: "#98a2b3",
};

const JS = "text/javascript; charset=utf-8";
const CSS = "text/css; charset=utf-8";

export function pageAssets(): Map<string, Asset> {
  // bun-types declares *.html imports as HTMLBundle; with type "text" it is the file's text.
  const html: Asset = {
    body: indexHtml as unknown as string,
    contentType: "text/html; charset=utf-8",
  };
  return new Map([
    ["/", html],
    ["/index.html", html],
    ["/theme.css", { body: themeCss, contentType: CSS }],
    ["/app.css", { body: appCss, contentType: CSS }],
    ["/panels.css", { body: panelsCss, contentType: CSS }],
    ["/app.js", { body: appJs, contentType: JS }],
    ["/actions.js", { body: actionsJs, contentType: JS }],
    ["/ansi.js", { body: ansiJs, contentType: JS }],
    ["/markers.js", { body: markersJs, contentType: JS }],
    ["/output-lines.js", { body: outputLinesJs, contentType: JS }],
    ["/chart.js", { body: chartJs, contentType: JS }],
    ["/log-view.js", { body: logViewJs, contentType: JS }],
    ["/services.js", { body: servicesJs, contentType: JS }],
    ["/status.js", { body: statusJs, contentType: JS }],
    ["/time.js", { body: timeJs, contentType: JS }],
    ["/favicon.svg", { body: favicon, contentType: "image/svg+xml" }],
    ...Object.entries(STATUS_COLOURS).map(([key, colour]): [string, Asset] => [
      `/favicon-${key}.svg`,
      { body: favicon.replace("#f97316", colour), contentType: "image/svg+xml" },
    ]),
  ]);
}
