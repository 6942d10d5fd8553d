import { describe, expect, test } from "bun:test";
import {
  type AllowedHost,
  hostHeaderAllowed,
  originAllowed,
  parseAllowedHost,
  parseAllowedHosts,
} from "../../src/dashboard/allowed-hosts.ts";
import {
  allowedHosts,
  allowedOrigins,
  checkHost,
  checkOrigin,
} from "../../src/dashboard/guards.ts";

function entries(...list: string[]): AllowedHost[] {
  const parsed = parseAllowedHosts(list);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

describe("parsing entries", () => {
  test.each<[string, AllowedHost]>([
    ["dash.example.com", { name: "dash.example.com", subdomains: false, port: null }],
    ["Dash.Example.COM:8443", { name: "dash.example.com", subdomains: false, port: 8443 }],
    ["localhost:9000", { name: "localhost", subdomains: false, port: 9000 }],
    ["  my_app  ", { name: "my_app", subdomains: false, port: null }],
    [".example.com", { name: "example.com", subdomains: true, port: null }],
    [".localhost", { name: "localhost", subdomains: true, port: null }],
    ["192.168.1.5:80", { name: "192.168.1.5", subdomains: false, port: 80 }],
    ["[::1]:9000", { name: "[::1]", subdomains: false, port: 9000 }],
    ["[fd00::2]", { name: "[fd00::2]", subdomains: false, port: null }],
  ])("%s", (entry, value) => {
    expect(parseAllowedHost(entry)).toEqual({ ok: true, value });
  });

  test.each([
    ["", "a host name or host:port"],
    ["*", "a host name without wildcards"],
    ["*.example.com", "a host name without wildcards"],
    ["dash.*.com", "a host name without wildcards"],
    ["https://dash.example.com", "a host without a scheme"],
    ["http://localhost:9000/", "a host without a scheme"],
    ["dash.example.com/", "a host without a path"],
    ["dash.example.com/path", "a host without a path"],
    ["user@dash.example.com", "a host without a path"],
    ["dash example.com", "a host without a path"],
    ["localhost:0", "a host name, IPv4 address"],
    ["localhost:65536", "a host name, IPv4 address"],
    ["localhost:", "a host name, IPv4 address"],
    ["localhost:http", "a host name, IPv4 address"],
    ["::1", "a host name, IPv4 address"],
    ["[nope]", "a host name, IPv4 address"],
    ["999.1.1.1", "a host name, IPv4 address"],
    ["127.1", "a host name, IPv4 address"],
    ["-evil.com", "a host name, IPv4 address"],
    ["a..b", "a host name, IPv4 address"],
    ["example.com.", "a host name, IPv4 address"],
    ["exämple.com", "a host name, IPv4 address"],
    [".", "a host name, IPv4 address"],
    ["..example.com", "a host name, IPv4 address"],
    [".com", "a domain with at least two labels"],
    [".10.0.0.1", "a domain after the leading"],
    [".[::1]", "a domain after the leading"],
  ])("%p is refused: expected %s", (entry, expected) => {
    const parsed = parseAllowedHost(entry);
    if (parsed.ok) throw new Error(`accepted ${JSON.stringify(entry)}`);
    expect(parsed.expected).toStartWith(expected);
    expect(parsed.hint.length).toBeGreaterThan(10);
  });

  test("`*` is explained, and the list error names the entry's key path", () => {
    const parsed = parseAllowedHosts(["localhost:9000", "*"]);
    if (parsed.ok) throw new Error("accepted *");
    expect(parsed.error.code).toBe("config.invalid");
    expect(parsed.error.message).toBe(
      'Expected `dashboard.allowed_hosts.1` to be a host name without wildcards, got "*"',
    );
    expect(parsed.error.hint).toContain("DNS rebinding");
  });
});

describe("Host header matching", () => {
  const allowed = entries("localhost:9000", "dash.example.com", ".dev.example.org", "[::1]:9001");

  test.each([
    ["localhost:9000", true],
    ["LOCALHOST:9000", true],
    ["localhost:9001", false],
    ["localhost", false],
    ["dash.example.com", true],
    ["dash.example.com:443", true],
    ["dash.example.com:1234", true],
    ["dev.example.org", true],
    ["a.dev.example.org:8080", true],
    ["a.b.dev.example.org", true],
    ["[::1]:9001", true],
    ["[::1]:9000", false],
    // Look-alikes and suffix tricks.
    ["evil-localhost:9000", false],
    ["localhost.evil.com:9000", false],
    ["localhost:9000.evil.com", false],
    ["localhost:9000@evil.com", false],
    ["evil.com#localhost:9000", false],
    ["evildash.example.com", false],
    ["dash.example.com.evil.com", false],
    ["dash.example.com.", false],
    ["xdev.example.org", false],
    ["dev.example.org.evil.com", false],
    ["example.org", false],
    ["sub.dash.example.com", false],
    ["", false],
    [":9000", false],
    ["localhost:9000:9000", false],
  ])("%p → %p", (header, ok) => {
    expect(hostHeaderAllowed(header, allowed)).toBe(ok);
  });

  test("a portless Host matches an entry with port 80 or 443 only", () => {
    expect(hostHeaderAllowed("a.test", entries("a.test:443"))).toBe(true);
    expect(hostHeaderAllowed("a.test", entries("a.test:80"))).toBe(true);
    expect(hostHeaderAllowed("a.test", entries("a.test:8443"))).toBe(false);
  });

  test("an empty list allows nothing more than the defaults", () => {
    const hosts = allowedHosts("127.0.0.1", 3000);
    const req = (host: string) => new Request("http://127.0.0.1:3000/", { headers: { host } });
    expect(hostHeaderAllowed("localhost:9000", [])).toBe(false);
    expect(checkHost(req("localhost:9000"), hosts).ok).toBe(false);
    expect(checkHost(req("localhost:9000"), hosts, allowed).ok).toBe(true);
    expect(checkHost(req("localhost:3000"), hosts, allowed).ok).toBe(true);
    expect(checkHost(req("evil-localhost:9000"), hosts, allowed)).toMatchObject({ status: 403 });
  });
});

describe("Origin matching", () => {
  const allowed = entries("localhost:9000", "dash.example.com", ".dev.example.org");

  test.each([
    ["http://localhost:9000", true],
    ["https://localhost:9000", true],
    ["http://localhost:9001", false],
    ["http://localhost", false],
    ["https://dash.example.com", true],
    ["http://dash.example.com", true],
    ["https://dash.example.com:8443", true],
    ["https://a.dev.example.org", true],
    // Not exactly as a browser serialises an origin.
    ["https://dash.example.com/", false],
    ["https://dash.example.com:443", false],
    ["http://localhost:9000/x", false],
    ["HTTP://localhost:9000", false],
    ["http://LOCALHOST:9000", false],
    ["http://user@localhost:9000", false],
    ["ws://localhost:9000", false],
    ["file://localhost:9000", false],
    ["localhost:9000", false],
    ["null", false],
    ["*", false],
    // Look-alikes.
    ["http://evil-localhost:9000", false],
    ["http://localhost.evil.com:9000", false],
    ["https://dash.example.com.evil.com", false],
    ["https://evildash.example.com", false],
    ["https://xdev.example.org", false],
  ])("%p → %p", (origin, ok) => {
    expect(originAllowed(origin, allowed)).toBe(ok);
  });

  test("an entry with port 443 matches the https origin without a port, not http", () => {
    const pinned = entries("dash.example.com:443");
    expect(originAllowed("https://dash.example.com", pinned)).toBe(true);
    expect(originAllowed("http://dash.example.com", pinned)).toBe(false);
  });

  test("checkOrigin keeps the defaults exact and adds the allowed hosts", () => {
    const origins = allowedOrigins(allowedHosts("127.0.0.1", 3000));
    const req = (origin: string) => new Request("http://x/", { headers: { origin } });
    expect(checkOrigin(req("http://localhost:9000"), origins).ok).toBe(false);
    expect(checkOrigin(req("http://localhost:9000"), origins, allowed).ok).toBe(true);
    expect(checkOrigin(req("http://localhost:3000"), origins, allowed).ok).toBe(true);
    expect(checkOrigin(req("https://localhost:3000"), origins, allowed).ok).toBe(false);
    expect(checkOrigin(req("null"), origins, allowed)).toMatchObject({ status: 403 });
  });
});
