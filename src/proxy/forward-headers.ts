/**
 * The headers a hop changes, as net/http/httputil.ReverseProxy does: hop-by-hop headers
 * (RFC 9110 §7.6.1) and every header named in `Connection` are removed in both
 * directions; the request gains X-Forwarded-For (appended), -Proto and -Host (kept when a
 * proxy in front already set them, so an app behind a TLS tunnel still sees `https`).
 * `Host` is preserved. Pure: no IO.
 */

import { PEER_HEADER } from "./http1/request-head.ts";

const HOP_BY_HOP = [
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
];

/** Removes hop-by-hop headers and the ones `Connection` names, in place. */
export function stripHopByHop(headers: Headers): Headers {
  const named = headers.get("connection");
  if (named !== null) {
    for (const name of named.split(",")) {
      const trimmed = name.trim();
      if (trimmed !== "") headers.delete(trimmed);
    }
  }
  for (const name of HOP_BY_HOP) headers.delete(name);
  return headers;
}

export interface ClientInfo {
  /** The peer address of the client connection, as the listener saw it. */
  ip: string;
  /** The scheme of the public listener. */
  proto: "http" | "https";
}

/** The headers sent to the instance for a request that arrived with `incoming`. */
export function upstreamRequestHeaders(incoming: Headers, client: ClientInfo): Headers {
  const headers = stripHopByHop(new Headers(incoming));
  // Set by the front for the proxy's own server only (http1/request-head.ts).
  headers.delete(PEER_HEADER);
  // The public listener already answered `100 Continue` when the body was read; the
  // instance gets the body without having to ask for it.
  headers.delete("expect");
  const prior = headers.get("x-forwarded-for");
  headers.set("x-forwarded-for", prior ? `${prior}, ${client.ip}` : client.ip);
  if (!headers.has("x-forwarded-proto")) headers.set("x-forwarded-proto", client.proto);
  const host = incoming.get("host");
  if (host !== null && !headers.has("x-forwarded-host")) headers.set("x-forwarded-host", host);
  return headers;
}

/** The headers sent back to the client for an instance's response. */
export function clientResponseHeaders(upstream: Headers): Headers {
  return stripHopByHop(new Headers(upstream));
}
