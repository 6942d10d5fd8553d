/**
 * Extra names the dashboard answers to (`dashboard.allowed_hosts`): a published port with
 * another number (`-p 127.0.0.1:9000:3000`) or a forwarded URL (Codespaces, a dev proxy).
 * Like Vite's `server.allowedHosts` but stricter: exact names, or a leading `.` for a
 * domain and its subdomains (never a bare TLD), a port pins the port, and never `*`.
 * Pure: the config schema validates entries with it, the request guards match with it.
 */
import { isIPv4, isIPv6 } from "node:net";
import { hotreloadError, type Result } from "../errors.ts";

export interface AllowedHost {
  /** Lower case: a DNS name, an IPv4 literal or a bracketed IPv6 literal; no leading dot. */
  readonly name: string;
  /** Written `.example.com`: example.com and every name under it. */
  readonly subdomains: boolean;
  /** null: any port. */
  readonly port: number | null;
}

export type HostEntryCheck =
  | { ok: true; value: AllowedHost }
  | { ok: false; expected: string; hint: string };

interface Authority {
  name: string;
  port: number | null;
}

const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

const EXAMPLES = "e.g. `dash.example.com`, `localhost:9000` or `.example.com`";

function isDnsName(name: string): boolean {
  if (name.length > 253) return false;
  const labels = name.split(".");
  // A numeric last label makes a URL parser read the whole name as an IPv4 address.
  if (/^\d+$/.test(labels[labels.length - 1] ?? "")) return false;
  return labels.every((label) => LABEL.test(label));
}

/** `name[:port]` or `[v6][:port]`, lower case already; null when it is anything else. */
function parseAuthority(text: string): Authority | null {
  let name: string;
  let portText: string | undefined;
  const v6 = /^(\[[^\]]*\])(?::(.*))?$/.exec(text);
  if (v6) {
    name = v6[1] as string;
    portText = v6[2];
    if (!isIPv6(name.slice(1, -1))) return null;
  } else {
    const parts = text.split(":");
    if (parts.length > 2) return null;
    name = parts[0] as string;
    portText = parts[1];
    if (!isIPv4(name) && !isDnsName(name)) return null;
  }
  if (portText === undefined) return { name, port: null };
  if (!/^\d{1,5}$/.test(portText)) return null;
  const port = Number(portText);
  return port >= 1 && port <= 65_535 ? { name, port } : null;
}

const fail = (expected: string, hint: string): HostEntryCheck => ({ ok: false, expected, hint });

/** Validates one configured entry; the failure says what was expected and how to write it. */
export function parseAllowedHost(entry: string): HostEntryCheck {
  const text = entry.trim().toLowerCase();
  if (text === "") return fail("a host name or host:port", `Write a host, ${EXAMPLES}.`);
  if (text.includes("*"))
    return fail(
      "a host name without wildcards",
      "`*` is never accepted: it would switch off the DNS rebinding protection. List each name, or write `.example.com` for example.com and its subdomains.",
    );
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(text))
    return fail(
      "a host without a scheme",
      "Write the host (and port) only: `dash.example.com`, not `https://dash.example.com/`.",
    );
  if (/[/?#@\\\s]/.test(text))
    return fail(
      "a host without a path",
      "Write the host (and port) only, as in the Host header: `dash.example.com:8443`.",
    );
  const subdomains = text.startsWith(".");
  const authority = parseAuthority(subdomains ? text.slice(1) : text);
  if (!authority)
    return fail(
      "a host name, IPv4 address or [IPv6] address, with an optional :port from 1 to 65535",
      `Write it as the browser's address bar shows it, ${EXAMPLES}; IPv6 in brackets, like \`[::1]:9000\`.`,
    );
  if (subdomains && (isIPv4(authority.name) || authority.name.startsWith("[")))
    return fail("a domain after the leading `.`", "A leading `.` takes a domain, not an address.");
  if (subdomains && !authority.name.includes(".") && authority.name !== "localhost")
    return fail(
      "a domain with at least two labels after the leading `.`",
      `\`.${authority.name}\` would allow every name under a top-level domain; write \`.example.${authority.name}\` instead.`,
    );
  return { ok: true, value: { ...authority, subdomains } };
}

/** All entries, or the first bad one as a configuration error (the schema checks them first). */
export function parseAllowedHosts(entries: readonly string[]): Result<AllowedHost[]> {
  const out: AllowedHost[] = [];
  for (const [i, entry] of entries.entries()) {
    const parsed = parseAllowedHost(entry);
    if (!parsed.ok)
      return {
        ok: false,
        error: hotreloadError(
          "config.invalid",
          `Expected \`dashboard.allowed_hosts.${i}\` to be ${parsed.expected}, got ${JSON.stringify(entry)}`,
          parsed.hint,
        ),
      };
    out.push(parsed.value);
  }
  return { ok: true, value: out };
}

function nameMatches(entry: AllowedHost, name: string): boolean {
  return name === entry.name || (entry.subdomains && name.endsWith(`.${entry.name}`));
}

function portMatches(entry: AllowedHost, port: number | null, implied: readonly number[]): boolean {
  if (entry.port === null) return true;
  return port === null ? implied.includes(entry.port) : port === entry.port;
}

/**
 * Whether a Host header names an allowed host. A Host without a port matches an entry
 * with port 80 or 443 (a TLS proxy in front of the dashboard sends none).
 */
export function hostHeaderAllowed(header: string, allowed: readonly AllowedHost[]): boolean {
  if (allowed.length === 0) return false;
  const authority = parseAuthority(header.toLowerCase());
  if (!authority) return false;
  return allowed.some(
    (entry) => nameMatches(entry, authority.name) && portMatches(entry, authority.port, [80, 443]),
  );
}

/**
 * Whether an Origin header is exactly `http(s)://<allowed host[:port]>` as a browser
 * serialises it: lower case, no path, no trailing slash, no default port spelled out.
 */
export function originAllowed(origin: string, allowed: readonly AllowedHost[]): boolean {
  if (allowed.length === 0) return false;
  const match = /^(https?):\/\/(.+)$/.exec(origin);
  if (!match) return false;
  const scheme = match[1] as string;
  const authority = parseAuthority(match[2] as string);
  if (!authority) return false;
  const implied = scheme === "https" ? 443 : 80;
  if (authority.port === implied) return false;
  const canonical = `${scheme}://${authority.name}${authority.port === null ? "" : `:${authority.port}`}`;
  if (canonical !== origin) return false;
  return allowed.some(
    (entry) => nameMatches(entry, authority.name) && portMatches(entry, authority.port, [implied]),
  );
}
