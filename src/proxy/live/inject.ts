/**
 * Which responses get the live-reload script, and how: an HTML document a browser
 * navigates to (not an htmx fragment or a fetch()), GET, a status that has a body. Its
 * Content-Length goes (the body is streamed chunked), a compressed body is decoded on the
 * way (the proxy asks the app for identity on navigations, so this is only for apps that
 * compress anyway) and the page's CSP admits the script (csp.ts). Everything else is
 * passed through untouched.
 */
import { allowLiveClient, CLIENT_PATH } from "./csp.ts";
import { injectStream } from "./inject-scanner.ts";

/** Encodings this proxy can undo (as DecompressionStream names them). */
const DECODERS: Record<string, CompressionFormat | "brotli" | "zstd"> = {
  gzip: "gzip",
  "x-gzip": "gzip",
  deflate: "deflate",
  br: "brotli",
  zstd: "zstd",
};

/** A browser loading a page into a tab or frame (not a fetch, an htmx swap or a script). */
export function isDocumentRequest(req: Request): boolean {
  // HEAD too: its headers must describe what a GET of the page sends.
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  const dest = req.headers.get("sec-fetch-dest");
  if (dest !== null) return dest === "document" || dest === "iframe";
  if (req.headers.has("hx-request")) return false;
  return req.headers.get("accept")?.includes("text/html") ?? false;
}

/** On a page navigation, ask the app not to compress: injecting then costs no decoding. */
export function requestIdentity(req: Request, headers: Headers): void {
  if (isDocumentRequest(req)) headers.set("accept-encoding", "identity");
}

export interface InjectPlan {
  headers: Headers;
  /** Encodings to undo, in the order to apply the decoders. */
  decode: string[];
  tag: Uint8Array;
}

export type PlanResult = { inject: true; plan: InjectPlan } | { inject: false; why: string | null };

const NO_BODY = new Set([204, 205, 304]);

/** The origin the page was loaded from, as the browser sees it. */
function originOf(req: Request): string {
  const proto = req.headers.get("x-forwarded-proto") === "https" ? "https" : "http";
  return `${proto}://${req.headers.get("host") ?? new URL(req.url).host}`;
}

function randomNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

/**
 * The plan for one response. `why` says, for the debug log, why a page that looked like
 * HTML was passed through (null when it simply was not HTML).
 */
export function planInjection(req: Request, status: number, upstream: Headers): PlanResult {
  if (!isDocumentRequest(req)) return { inject: false, why: null };
  const type = (upstream.get("content-type") ?? "").toLowerCase();
  if (!type.startsWith("text/html") && !type.startsWith("application/xhtml+xml"))
    return { inject: false, why: null };
  if (status < 200 || NO_BODY.has(status)) return { inject: false, why: null };
  if (/^\s*attachment/i.test(upstream.get("content-disposition") ?? ""))
    return { inject: false, why: "a download (Content-Disposition: attachment)" };
  const encodings = (upstream.get("content-encoding") ?? "")
    .split(",")
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e !== "" && e !== "identity");
  const unknown = encodings.find((e) => !(e in DECODERS));
  if (unknown) return { inject: false, why: `Content-Encoding ${unknown} cannot be decoded here` };
  const headers = new Headers(upstream);
  headers.delete("content-length");
  headers.delete("content-encoding");
  // The bytes differ from what the app hashed; a validator would now name other bytes.
  headers.delete("content-md5");
  let nonce: string | null = null;
  const csp = upstream.get("content-security-policy");
  if (csp !== null) {
    const rewrite = allowLiveClient(csp, originOf(req), randomNonce());
    headers.set("content-security-policy", rewrite.policy);
    nonce = rewrite.nonce;
  }
  const attr = nonce ? ` nonce="${nonce}"` : "";
  const tag = new TextEncoder().encode(`<script src="${CLIENT_PATH}"${attr} async></script>`);
  return { inject: true, plan: { headers, decode: encodings.reverse(), tag } };
}

/** The app's body with encodings undone and the tag inserted, streamed. */
export function injectedBody(body: ReadableStream<Uint8Array>, plan: InjectPlan): ReadableStream {
  let stream = body;
  for (const encoding of plan.decode) {
    const format = DECODERS[encoding] as CompressionFormat;
    const decoder = new DecompressionStream(format) as unknown as TransformStream<
      Uint8Array,
      Uint8Array
    >;
    stream = stream.pipeThrough(decoder);
  }
  return stream.pipeThrough(injectStream(plan.tag));
}
