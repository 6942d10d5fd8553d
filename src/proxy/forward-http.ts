/**
 * One HTTP exchange forwarded to an instance on 127.0.0.1: the request body streams to the
 * instance as it arrives, the response streams back as it comes (SSE is never buffered),
 * and any upstream failure becomes one `502` with a one-line reason. The exchange counts
 * as in flight on its instance until the last byte of the response left, so a drain waits
 * for it.
 */
import type { Logger } from "../log.ts";
import {
  type ClientInfo,
  clientResponseHeaders,
  upstreamRequestHeaders,
} from "./forward-headers.ts";
import type { Exchange } from "./instance-traffic.ts";
import { injectedBody, planInjection, requestIdentity } from "./live/inject.ts";
import { failureReason, instanceLabel } from "./upstream-failure.ts";

const reasonOf = (error: unknown) => failureReason(error, "unknown error");

export interface Target {
  /** The engine's instance id. */
  readonly id: number;
  /** Its loopback port. */
  readonly port: number;
}

/**
 * Bodies announced up to this size are read whole before the answer starts: they arrive in
 * one go anyway, and the exchange ends exactly when the instance is done with it. Larger or
 * unannounced (chunked, SSE) bodies stream.
 */
const WHOLE_BODY_MAX = 64 * 1024;

export interface ForwardContext {
  client: ClientInfo;
  exchange: Exchange;
  log: Logger;
  /**
   * Says an upstream failure: the first of each kind per instance at warn, the rest at
   * debug, so a dead instance under load does not flood the terminal.
   */
  reportFailure(key: string, message: string): void;
  /** Lifts the listener's idle timeout for a response that streams (SSE, long downloads). */
  keepOpen(): void;
  /** Live reload: HTML pages get the client's script (live/inject.ts). */
  live?: boolean;
}

/** The path and query of Bun's absolute `req.url` (`http://host/path?q`). */
export function pathOf(url: string): string {
  const slash = url.indexOf("/", url.indexOf("//") + 2);
  return slash === -1 ? "/" : url.slice(slash);
}

export async function forwardHttp(
  req: Request,
  target: Target,
  ctx: ForwardContext,
): Promise<Response> {
  const { exchange } = ctx;
  const onClientGone = () => exchange.end();
  let response: Response;
  try {
    const upstreamHeaders = upstreamRequestHeaders(req.headers, ctx.client);
    if (ctx.live) requestIdentity(req, upstreamHeaders);
    const init: BunFetchRequestInit & { duplex: "half" } = {
      method: req.method,
      headers: upstreamHeaders,
      body: req.body,
      redirect: "manual",
      decompress: false,
      // The instance decides how long an answer may take (long polls, slow reports).
      timeout: false,
      signal: AbortSignal.any([exchange.signal, req.signal]),
      // Required by the Fetch standard for a streamed request body.
      duplex: "half",
    };
    response = await fetch(`http://127.0.0.1:${target.port}${pathOf(req.url)}`, init);
  } catch (error) {
    exchange.end();
    return badGateway(req, target, error, ctx);
  }
  const headers = clientResponseHeaders(response.headers);
  const init = { status: response.status, statusText: response.statusText, headers };
  const body = response.body;
  if (body === null || req.method === "HEAD") {
    await body?.cancel().catch((error: unknown) => {
      // A HEAD answer's body is empty by definition; an error cancelling it frees nothing more.
      ctx.log.debug(`proxy: dropping a HEAD body: ${String(error)}`);
    });
    exchange.end();
    // A HEAD of a page announces the headers its GET will have: the length with the tag.
    const planned =
      ctx.live && req.method === "HEAD" ? planInjection(req, response.status, headers) : null;
    if (!planned?.inject) return new Response(null, init);
    const length = Number(response.headers.get("content-length") ?? Number.NaN);
    const out = planned.plan.headers;
    if (planned.plan.decode.length === 0 && length >= 0)
      out.set("content-length", String(length + planned.plan.tag.byteLength));
    else out.set("transfer-encoding", "chunked");
    return new Response(null, { ...init, headers: out });
  }
  if (ctx.live) {
    const planned = planInjection(req, response.status, headers);
    if (planned.inject) {
      ctx.keepOpen();
      req.signal.addEventListener("abort", onClientGone, { once: true });
      const out = injectedBody(trackedBody(body, exchange, ctx.log), planned.plan);
      return new Response(out, { ...init, headers: planned.plan.headers });
    }
    if (planned.why) ctx.log.debug(`proxy: ${pathOf(req.url)} gets no live reload: ${planned.why}`);
  }
  const announced = Number(response.headers.get("content-length") ?? Number.NaN);
  if (announced >= 0 && announced <= WHOLE_BODY_MAX) {
    try {
      const bytes = await response.arrayBuffer();
      return new Response(bytes, init);
    } catch (error) {
      return badGateway(req, target, error, ctx);
    } finally {
      exchange.end();
    }
  }
  ctx.keepOpen();
  req.signal.addEventListener("abort", onClientGone, { once: true });
  return new Response(trackedBody(body, exchange, ctx.log), init);
}

/** The instance's body, passed on chunk by chunk as it comes; ends the exchange with it. */
function trackedBody(
  body: ReadableStream<Uint8Array>,
  exchange: Exchange,
  log: Logger,
): ReadableStream {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const chunk = await reader.read();
          if (chunk.done) {
            exchange.end();
            controller.close();
          } else controller.enqueue(chunk.value);
        } catch (error) {
          // The instance went away mid-answer (or a drain cut it): the client sees the
          // connection end early, as it would without the proxy. Erroring with no value:
          // Bun prints any error value a response stream fails with on stderr.
          log.debug(`proxy: response cut: ${reasonOf(error)}`);
          exchange.end();
          controller.error();
        }
      },
      cancel(reason) {
        exchange.end();
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

function badGateway(req: Request, target: Target, error: unknown, ctx: ForwardContext): Response {
  const cut = ctx.exchange.signal.aborted;
  const reason = cut ? "cut at the end of its drain" : reasonOf(error);
  const line = `hotreload proxy: ${instanceLabel(target)} ${reason}`;
  if (!req.signal.aborted)
    ctx.reportFailure(`${target.id} ${reason}`, `${req.method} ${pathOf(req.url)}: ${line}`);
  return new Response(`${line}\n`, {
    status: 502,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  });
}
