/**
 * What the proxy says when no instance can serve: the status the engine last set, turned
 * into a one-line reason and a Retry-After for programs, and into an HTML page for a
 * browser navigation. The page shows everything HTML-escaped and reloads itself when the
 * status changes (status-client.ts listens on /__hotreload/events).
 */
import { firstErrorLine } from "../notify/first-error-line.ts";

export type StatusKind =
  | "building"
  | "starting"
  | "build-failed"
  | "crashed"
  | "backoff"
  | "stopped";

export interface ProxyStatus {
  kind: StatusKind;
  /** Shown under the headline: the compiler output of a failed build, the last log lines. */
  detail?: readonly string[];
  /** When the next attempt starts (crashed, backoff). */
  retryInMs?: number;
  /** Whether requests wait (up to the hold bounds) instead of getting this answer at once. */
  hold: boolean;
}

/** Why a request got this answer instead of an instance, for the one-line reason. */
export type NoServeCause = "not-held" | "hold-full" | "hold-timeout";

const DETAIL_MAX_LINES = 200;

export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

export function headline(status: ProxyStatus, app: string): string {
  switch (status.kind) {
    case "building":
      return `${app} is building`;
    case "starting":
      return `${app} is starting`;
    case "build-failed":
      return `the last build of ${app} failed`;
    case "crashed":
    case "backoff": {
      const retry =
        status.retryInMs === undefined ? "" : `, retrying in ${seconds(status.retryInMs)} s`;
      return `${app} crashed${retry}`;
    }
    case "stopped":
      return `${app} is stopped`;
  }
}

const CAUSE: Record<NoServeCause, string> = {
  "not-held": "",
  "hold-full": " (too many requests already waiting)",
  "hold-timeout": " (waited for the hold timeout)",
};

/** One line, no control characters: safe in a plain-text body and in a log. */
export function reasonLine(status: ProxyStatus, app: string, cause: NoServeCause): string {
  const first = status.kind === "build-failed" ? firstErrorLine(status.detail ?? []) : "";
  const tail = first ? `: ${first.slice(0, 200)}` : "";
  return `hotreload: ${headline(status, app)}${tail}${CAUSE[cause]}`.replace(
    /[\x00-\x1f\x7f]/g,
    " ",
  );
}

/** Seconds a client should wait: the backoff when known, else a short retry. */
export function retryAfter(status: ProxyStatus): number {
  if (status.retryInMs !== undefined) return seconds(status.retryInMs);
  return status.kind === "stopped" || status.kind === "build-failed" ? 5 : 1;
}

/** A top-level page load by a browser, which can show (and refresh) an HTML page. */
export function isNavigation(req: Request): boolean {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  const mode = req.headers.get("sec-fetch-mode");
  if (mode !== null) return mode === "navigate";
  return req.headers.get("accept")?.includes("text/html") ?? false;
}

export interface StatusAnswerInput {
  status: ProxyStatus;
  /** Bumped on every route() and setStatus(): the page reloads when it changes. */
  version: number;
  app: string;
  cause: NoServeCause;
  /** Detail lines (compiler output) only for a Host on the allow-list (DNS rebinding). */
  showDetail: boolean;
}

export function statusAnswer(req: Request, input: StatusAnswerInput): Response {
  const headers = new Headers({
    "retry-after": String(retryAfter(input.status)),
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
  });
  if (!isNavigation(req)) {
    headers.set("content-type", "text/plain; charset=utf-8");
    return new Response(`${reasonLine(input.status, input.app, input.cause)}\n`, {
      status: 503,
      headers,
    });
  }
  headers.set("content-type", "text/html; charset=utf-8");
  headers.set(
    "content-security-policy",
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  );
  headers.set("referrer-policy", "no-referrer");
  return new Response(req.method === "HEAD" ? null : statusHtml(input), { status: 503, headers });
}

/** The seconds in "retrying in N s" count down on the page (status-client.ts). */
function countdown(title: string, status: ProxyStatus): string {
  if (status.retryInMs === undefined) return title;
  const n = seconds(status.retryInMs);
  return title.replace(
    `retrying in ${n} s`,
    `retrying in <span id="retry-in" data-seconds="${n}">${n}</span> s`,
  );
}

export function statusHtml(input: StatusAnswerInput): string {
  const { status } = input;
  const title = escapeHtml(headline(status, input.app));
  const lines = input.showDetail ? (status.detail ?? []).slice(-DETAIL_MAX_LINES) : [];
  const plain = lines.map((l) => l.replace(/\x1b\[[0-9;]*[A-Za-z]/g, ""));
  const detail = plain.length > 0 ? `\n<pre id="detail">${escapeHtml(plain.join("\n"))}</pre>` : "";
  return `<!doctype html>
<html lang="en" data-hotreload-version="${input.version}" data-kind="${escapeHtml(status.kind)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · hotreload</title>
<link rel="stylesheet" href="/__hotreload/status.css">
<script src="/__hotreload/status.js" defer></script>
</head>
<body>
<main>
<h1 id="headline">${countdown(title, status)}</h1>
<p id="note">This page reloads by itself when the app is ready.</p>${detail}
</main>
</body>
</html>
`;
}
