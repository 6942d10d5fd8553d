/**
 * Lets the live-reload client through a page's Content-Security-Policy, for one response
 * and nothing more: the script gets a fresh nonce that is added to the policy's script
 * directive, and the SSE path is added to connect-src when the policy would block it. A
 * nonce only admits the tag that carries it, so the page's own rules stay as strict as
 * they were. One exception: a script directive that relies on 'unsafe-inline' (and has no
 * nonce or hash) would lose it if a nonce were added (CSP 2+ ignores 'unsafe-inline' next
 * to a nonce), so the client's exact URL is added instead. Pure: no IO.
 */

export const CLIENT_PATH = "/__hotreload/client.js";
export const EVENTS_PATH = "/__hotreload/events";

export interface CspRewrite {
  /** The header value to send instead. */
  policy: string;
  /** Set when the script tag must carry this nonce. */
  nonce: string | null;
}

type Directive = { name: string; sources: string[] };

function parse(policy: string): Directive[] {
  return policy
    .split(";")
    .map((part) => part.trim().split(/\s+/).filter(Boolean))
    .filter((tokens) => tokens.length > 0)
    .map(([name, ...sources]) => ({ name: (name ?? "").toLowerCase(), sources }));
}

function serialize(directives: Directive[]): string {
  return directives.map((d) => [d.name, ...d.sources].join(" ")).join("; ");
}

function lower(sources: string[]): string[] {
  return sources.map((s) => s.toLowerCase());
}

/** 'self', `*` or our origin itself admits a same-origin URL (unless 'strict-dynamic'). */
function admitsSameOrigin(sources: string[], origin: string): boolean {
  const l = lower(sources);
  if (l.includes("'strict-dynamic'")) return false;
  return l.some((s) => s === "'self'" || s === "*" || s === origin || s === `${origin}/`);
}

/** The directive a fetch of this kind falls back to, creating its own when it was default-src. */
function effective(directives: Directive[], names: string[]): Directive | null {
  for (const name of names) {
    const found = directives.find((d) => d.name === name);
    if (!found) continue;
    if (name !== "default-src") return found;
    const own: Directive = { name: names[names.length - 2] ?? name, sources: [...found.sources] };
    directives.push(own);
    return own;
  }
  return null;
}

function add(d: Directive, source: string): void {
  d.sources = d.sources.filter((s) => s.toLowerCase() !== "'none'");
  d.sources.push(source);
}

function rewriteOne(
  policy: string,
  origin: string,
  nonce: string,
): { text: string; usedNonce: boolean } {
  const directives = parse(policy);
  let usedNonce = false;
  const script = effective(directives, ["script-src-elem", "script-src", "default-src"]);
  if (script && !admitsSameOrigin(script.sources, origin)) {
    const l = lower(script.sources);
    const inlineOnly =
      l.includes("'unsafe-inline'") &&
      !l.includes("'strict-dynamic'") &&
      !l.some((s) => s.startsWith("'nonce-") || /^'sha(256|384|512)-/.test(s));
    if (inlineOnly) add(script, `${origin}${CLIENT_PATH}`);
    else {
      add(script, `'nonce-${nonce}'`);
      usedNonce = true;
    }
  }
  const connect = effective(directives, ["connect-src", "default-src"]);
  if (
    connect &&
    !admitsSameOrigin(
      connect.sources.filter((s) => s !== "'strict-dynamic'"),
      origin,
    )
  )
    add(connect, `${origin}${EVENTS_PATH}`);
  return { text: serialize(directives), usedNonce };
}

/**
 * `header` is the Content-Security-Policy value (several policies joined by commas, as
 * Headers.get gives them); `origin` the page's origin, `http://localhost:3000`.
 */
export function allowLiveClient(header: string, origin: string, nonce: string): CspRewrite {
  let usedNonce = false;
  const policies = header.split(",").map((policy) => {
    const one = rewriteOne(policy, origin, nonce);
    usedNonce ||= one.usedNonce;
    return one.text;
  });
  return { policy: policies.filter(Boolean).join(", "), nonce: usedNonce ? nonce : null };
}
