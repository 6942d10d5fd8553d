import { describe, expect, test } from "bun:test";
import {
  connectionOptions,
  crlfAt,
  Header,
  headerAt,
  nameHash,
  Says,
  valueIs,
} from "../../src/proxy/http1/head-text.ts";

/** headerAt on a line `name: v` as the parsers call it: with the name's hash. */
function headerOf(name: string): number {
  return headerAt(`${name}: v`, 0, name.length, nameHash(name));
}

describe("headerAt", () => {
  const known: [string, number][] = [
    ["Host", Header.Host],
    ["content-length", Header.ContentLength],
    ["Transfer-Encoding", Header.TransferEncoding],
    ["CONNECTION", Header.Connection],
    ["Upgrade", Header.Upgrade],
    ["Keep-Alive", Header.KeepAlive],
    ["Proxy-Connection", Header.ProxyConnection],
    ["Proxy-Authorization", Header.ProxyAuthorization],
    ["Proxy-Authenticate", Header.ProxyAuthenticate],
    ["TE", Header.Te],
    ["Sec-Fetch-Dest", Header.SecFetchDest],
    ["Accept", Header.Accept],
    ["HX-Request", Header.HxRequest],
    ["X-Forwarded-For", Header.XForwardedFor],
    ["X-Forwarded-Proto", Header.XForwardedProto],
    ["X-Forwarded-Host", Header.XForwardedHost],
    ["X-Hotreload-Peer", Header.Peer],
  ];
  test.each(known)("%s is known in any case", (name, code) => {
    expect(headerOf(name)).toBe(code);
    expect(headerOf(name.toLowerCase())).toBe(code);
    expect(headerOf(name.toUpperCase())).toBe(code);
  });

  test("names of the same length that differ, and longer or shorter ones, are Other", () => {
    for (const name of [
      "Hosu",
      "Hostx",
      "Hos",
      "Accept-Language",
      "Content-Type",
      "Te-x",
      "X-Forwarded-Fox",
    ])
      expect(headerOf(name)).toBe(Header.Other);
  });
});

describe("connectionOptions", () => {
  const says = (value: string) => connectionOptions(value, 0, value.length);
  test.each([
    ["close", Says.Close],
    ["Keep-Alive", Says.KeepAlive],
    [" upgrade ", Says.Upgrade],
    ["keep-alive, Upgrade", Says.KeepAlive | Says.Upgrade],
    ["close, X-Private", Says.Close | Says.Names],
    ["closed", Says.Names],
    [" , ,", 0],
    ["", 0],
  ])("%j", (value, bits) => {
    expect(says(value)).toBe(bits);
  });

  test("reads only its own range of the text", () => {
    const text = "Connection: close\r\nX: keep-alive";
    expect(connectionOptions(text, 11, 17)).toBe(Says.Close);
  });
});

describe("valueIs and crlfAt", () => {
  test("valueIs ignores case and the spaces and tabs around", () => {
    expect(valueIs("x: \tDocument ", 2, 13, "document")).toBe(true);
    expect(valueIs("x: documents", 2, 12, "document")).toBe(false);
  });

  test("crlfAt skips a CR that no LF follows", () => {
    expect(crlfAt("a\rb\r\nc", 0)).toBe(3);
    expect(crlfAt("a\r\nb\r\n", 3)).toBe(4);
    expect(crlfAt("abc\r", 0)).toBe(-1);
  });
});
