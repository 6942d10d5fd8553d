/**
 * hotreload's own paths on the public port, under /__hotreload/: the status page's script
 * and style, the status as JSON, and an SSE stream of it; with live reload, the pages'
 * client.js and the live events on the same stream (live/messages.ts). All read-only (GET/HEAD) and
 * guarded like the dashboard: Host allow-list against DNS rebinding, Fetch Metadata
 * against cross-site reads. Nothing here changes state, so nothing needs the token.
 */
import type { AllowedHost } from "../dashboard/allowed-hosts.ts";
import { checkFetchMetadata, checkHost, type Verdict } from "../dashboard/guards.ts";
import type { Logger } from "../log.ts";
import type { LiveMessage } from "./live/messages.ts";
import type { ProxyStatus } from "./serve-status.ts";
import { STATUS_CLIENT_CSS, STATUS_CLIENT_JS } from "./status-client.ts";

export const HOTRELOAD_PREFIX = "/__hotreload/";

export interface StatusSnapshot {
  version: number;
  /** An instance is routed: requests are served. */
  ready: boolean;
  /** Requests waiting for an instance right now. */
  held: number;
  status: ProxyStatus;
}

export interface HotreloadPaths {
  handle(req: Request, path: string): Response;
  /** Sends the snapshot to every open /__hotreload/events stream. */
  publish(snapshot: StatusSnapshot): void;
  /** Sends a live-reload message to every open stream (live reload on). */
  live(message: LiveMessage): void;
  close(): void;
}

const ASSETS: Record<string, { body: string; type: string }> = {
  "status.js": { body: STATUS_CLIENT_JS, type: "text/javascript; charset=utf-8" },
  "status.css": { body: STATUS_CLIENT_CSS, type: "text/css; charset=utf-8" },
};

const encoder = new TextEncoder();

function frame(event: string, data: unknown): Uint8Array {
  return encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

function sseFrame(snapshot: StatusSnapshot): Uint8Array {
  return frame("status", wire(snapshot));
}

function liveFrame(message: LiveMessage): Uint8Array {
  switch (message.type) {
    case "reload":
      return frame("reload", {});
    case "css":
      return frame("css", { paths: message.paths });
    case "overlay":
      return frame("overlay", message.overlay);
  }
}

function wire(s: StatusSnapshot) {
  return {
    version: s.version,
    ready: s.ready,
    held: s.held,
    kind: s.status.kind,
    retryInMs: s.status.retryInMs ?? null,
  };
}

function denied(verdict: Verdict & { ok: false }): Response {
  return new Response(`${verdict.reason}\n`, {
    status: verdict.status,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  });
}

export function createHotreloadPaths(options: {
  /** The loopback Host values with the listener's port (known once it listens). */
  hosts(): Set<string>;
  extraHosts: readonly AllowedHost[];
  snapshot(): StatusSnapshot;
  /** Lifts the listener's idle timeout for an SSE stream. */
  keepOpen(req: Request): void;
  log: Logger;
  /** Live reload on: the client's script and the hello each new stream starts with. */
  live?: { clientJs: string; hello(): unknown } | undefined;
}): HotreloadPaths {
  const streams = new Set<ReadableStreamDefaultController<Uint8Array>>();

  function events(req: Request): Response {
    let self: ReadableStreamDefaultController<Uint8Array> | null = null;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        self = controller;
        streams.add(controller);
        controller.enqueue(sseFrame(options.snapshot()));
        if (options.live) controller.enqueue(frame("hello", options.live.hello()));
      },
      cancel() {
        if (self) streams.delete(self);
      },
    });
    options.keepOpen(req);
    return new Response(body, {
      headers: {
        "content-type": "text/event-stream",
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      },
    });
  }

  function send(bytes: Uint8Array): void {
    for (const controller of streams) {
      try {
        controller.enqueue(bytes);
      } catch (error) {
        // The stream closed between its cancel and this send: it is gone either way.
        options.log.debug(`proxy: status stream gone: ${String(error)}`);
        streams.delete(controller);
      }
    }
  }

  return {
    handle(req, path) {
      const host = checkHost(req, options.hosts(), options.extraHosts);
      if (!host.ok) return denied(host);
      if (req.method !== "GET" && req.method !== "HEAD")
        return new Response("read-only\n", { status: 405, headers: { allow: "GET, HEAD" } });
      const name = path.slice(HOTRELOAD_PREFIX.length).split("?")[0] ?? "";
      const asset =
        name === "client.js" && options.live
          ? { body: options.live.clientJs, type: "text/javascript; charset=utf-8" }
          : ASSETS[name];
      const meta = checkFetchMetadata(req, asset ? "asset" : "api");
      if (!meta.ok) return denied(meta);
      if (asset)
        return new Response(asset.body, {
          headers: {
            "content-type": asset.type,
            "cache-control": "no-store",
            "x-content-type-options": "nosniff",
          },
        });
      if (name === "status")
        return Response.json(wire(options.snapshot()), {
          headers: { "cache-control": "no-store" },
        });
      if (name === "events") return events(req);
      return new Response("not found\n", { status: 404 });
    },
    publish(snapshot) {
      send(sseFrame(snapshot));
    },
    live(message) {
      send(liveFrame(message));
    },
    close() {
      for (const controller of streams) {
        try {
          controller.close();
        } catch (error) {
          options.log.debug(`proxy: status stream already closed: ${String(error)}`);
        }
      }
      streams.clear();
    },
  };
}
