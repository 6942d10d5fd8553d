/**
 * Browser live reload, composed for `run`: what the engine reports on the bus becomes what
 * the proxy tells open pages (src/proxy/live/messages.ts). A reload goes out only on
 * `reload.done` of a ready server (behind the proxy: the moment traffic switched), so a
 * page never reloads onto the old server or a status page; a failed build or a crash
 * shows the overlay, and the next good swap's reload takes it down.
 */
import { existsSync } from "node:fs";
import { editorLinks } from "../dashboard/build-excerpt.ts";
import type { Event } from "../events/types.ts";
import type { Overlay } from "../proxy/live/messages.ts";
import type { AppProxy } from "../proxy/proxy.ts";

/** The server's last lines shown with a crash. */
const CRASH_LINES = 30;

export interface LiveOptions {
  editorUrl: string;
  root: string;
  now?: () => number;
}

export function followLive(proxy: Pick<AppProxy, "live">, options: LiveOptions) {
  const now = options.now ?? Date.now;
  const appLines: string[] = [];
  let serving = false;
  let id = 0;
  const links = (lines: readonly string[]) =>
    editorLinks(lines, { template: options.editorUrl, root: options.root, exists: existsSync });
  const show = (overlay: Omit<Overlay, "id" | "at" | "links">) =>
    proxy.live({
      type: "overlay",
      overlay: { ...overlay, id: ++id, at: now(), links: links(overlay.lines) },
    });
  return (event: Event) => {
    switch (event.type) {
      case "log":
        if (event.stream !== "app") return;
        appLines.push(event.line);
        if (appLines.length > CRASH_LINES) appLines.shift();
        return;
      case "reload.done":
        if (event.unhealthy !== undefined) return;
        serving = true;
        appLines.length = 0;
        proxy.live({ type: "reload" });
        return;
      case "build.skipped":
        // The tree is back to what the running server was built from: nothing is broken.
        proxy.live({ type: "overlay", overlay: null });
        return;
      case "build.finished":
        if (event.ok) return;
        show({
          kind: "build-failed",
          lines: event.tail,
          exitCode: event.exitCode,
          signal: event.signal,
          serverRunning: serving,
          retryInMs: null,
        });
        return;
      case "crash.backoff":
        serving = false;
        show({
          kind: "crashed",
          lines: [...appLines],
          exitCode: event.exitCode,
          signal: null,
          serverRunning: false,
          retryInMs: event.delayMs,
        });
        return;
      case "swap.failed":
        serving = event.previousServing;
        show({
          kind: "swap-failed",
          lines: [event.reason, ...appLines],
          exitCode: null,
          signal: null,
          serverRunning: event.previousServing,
          retryInMs: null,
        });
        return;
      case "phase":
        if (event.phase === "stopped" || event.phase === "exited" || event.phase === "crashed")
          serving = false;
        return;
    }
  };
}

/** Paths of a `reload` decision: stylesheets only swap in place, anything else reloads. */
export function browserReload(
  proxy: Pick<AppProxy, "live">,
  paths: readonly string[],
  css: boolean,
) {
  proxy.live(css && paths.length > 0 ? { type: "css", paths } : { type: "reload" });
}
