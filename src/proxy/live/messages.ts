/**
 * What the proxy tells the live-reload clients on the app's pages, over
 * /__hotreload/events (besides the `status` events of the status page):
 *
 *   hello    {run, ready, overlay}   on connect; `run` changes when hotreload restarted
 *   reload   {}                      the new server is active and healthy: reload now
 *   css      {paths}                 only stylesheets changed: swap them in place
 *   overlay  Overlay | null          show (or take down) the error overlay
 */

export interface EditorLinkRef {
  text: string;
  href: string;
}

export interface Overlay {
  kind: "build-failed" | "crashed" | "swap-failed";
  /** Distinct per overlay, so a dismissed one stays dismissed and a new one shows. */
  id: number;
  /** Epoch ms. */
  at: number;
  /** Compiler output (build-failed) or the server's last lines, with ANSI colours. */
  lines: readonly string[];
  links: readonly EditorLinkRef[];
  exitCode: number | null;
  signal: string | null;
  /** build-failed, swap-failed: the previous server still serves the page. */
  serverRunning: boolean;
  /** crashed: when the next start is tried. */
  retryInMs: number | null;
}

export type LiveMessage =
  | { type: "reload" }
  | { type: "css"; paths: readonly string[] }
  | { type: "overlay"; overlay: Overlay | null };
