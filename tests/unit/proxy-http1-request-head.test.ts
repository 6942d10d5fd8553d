import { describe, expect, test } from "bun:test";
import {
  instanceHead,
  ownServerHead,
  PEER_HEADER,
  parseRequestHead,
  type RequestHead,
} from "../../src/proxy/http1/request-head.ts";

/** The head of `lines` as the front hands it over: CRLF between lines, no blank line. */
const parse = (...lines: string[]) => parseRequestHead(lines.join("\r\n"));

function head(...lines: string[]): RequestHead {
  const parsed = parse(...lines);
  if (!parsed.ok) throw new Error(`rejected: ${parsed.reason}`);
  return parsed.head;
}

/** The header lines of a head sent on, by lower-case name (repeated names joined by "|"). */
function headersOf(sent: string): Map<string, string> {
  const lines = sent.split("\r\n");
  expect(lines.at(-1)).toBe("");
  expect(lines.at(-2)).toBe("");
  const headers = new Map<string, string>();
  for (const line of lines.slice(1, -2)) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers.set(name, headers.has(name) ? `${headers.get(name)}|${value}` : value);
  }
  return headers;
}

const REJECTED: [string, string[], 400 | 501, string][] = [
  [
    "Content-Length and Transfer-Encoding",
    ["POST / HTTP/1.1", "Host: a", "Content-Length: 5", "Transfer-Encoding: chunked"],
    400,
    "both Transfer-Encoding and Content-Length",
  ],
  [
    "Transfer-Encoding first, then Content-Length",
    ["POST / HTTP/1.1", "Host: a", "Transfer-Encoding: chunked", "Content-Length: 0"],
    400,
    "both Transfer-Encoding and Content-Length",
  ],
  [
    "two different Content-Length lines",
    ["POST / HTTP/1.1", "Host: a", "Content-Length: 5", "Content-Length: 6"],
    400,
    "a Content-Length that is not one number",
  ],
  [
    "a Content-Length list that differs",
    ["POST / HTTP/1.1", "Host: a", "Content-Length: 5, 6"],
    400,
    "a Content-Length that is not one number",
  ],
  [
    "a signed Content-Length",
    ["POST / HTTP/1.1", "Host: a", "Content-Length: +5"],
    400,
    "a Content-Length that is not one number",
  ],
  [
    "a negative Content-Length",
    ["POST / HTTP/1.1", "Host: a", "Content-Length: -1"],
    400,
    "a Content-Length that is not one number",
  ],
  [
    "an empty Content-Length",
    ["POST / HTTP/1.1", "Host: a", "Content-Length:"],
    400,
    "a Content-Length that is not one number",
  ],
  [
    "a hexadecimal Content-Length",
    ["POST / HTTP/1.1", "Host: a", "Content-Length: 0x10"],
    400,
    "a Content-Length that is not one number",
  ],
  [
    "a Content-Length of 16 digits",
    ["POST / HTTP/1.1", "Host: a", "Content-Length: 1000000000000000"],
    400,
    "a Content-Length that is not one number",
  ],
  [
    "Transfer-Encoding: gzip",
    ["POST / HTTP/1.1", "Host: a", "Transfer-Encoding: gzip"],
    501,
    "a Transfer-Encoding that does not end in chunked",
  ],
  [
    "chunked, then gzip",
    ["POST / HTTP/1.1", "Host: a", "Transfer-Encoding: chunked, gzip"],
    501,
    "a Transfer-Encoding that does not end in chunked",
  ],
  [
    "chunked and gzip on two lines",
    ["POST / HTTP/1.1", "Host: a", "Transfer-Encoding: chunked", "Transfer-Encoding: gzip"],
    501,
    "a Transfer-Encoding that does not end in chunked",
  ],
  [
    "Transfer-Encoding: chunked-ish",
    ["POST / HTTP/1.1", "Host: a", "Transfer-Encoding: xchunked"],
    501,
    "a Transfer-Encoding that does not end in chunked",
  ],
  [
    "HTTP/1.1 without Host",
    ["GET / HTTP/1.1", "Accept: */*"],
    400,
    "an HTTP/1.1 request without Host",
  ],
  [
    "absolute-form without Host",
    ["GET http://a/ HTTP/1.1"],
    400,
    "an HTTP/1.1 request without Host",
  ],
  ["two Host lines", ["GET / HTTP/1.1", "Host: a", "Host: b"], 400, "more than one Host header"],
  [
    "two Host lines on HTTP/1.0",
    ["GET / HTTP/1.0", "Host: a", "host: a"],
    400,
    "more than one Host header",
  ],
  [
    "CONNECT",
    ["CONNECT example.com:443 HTTP/1.1", "Host: example.com:443"],
    400,
    "CONNECT is not supported: this is not a forward proxy",
  ],
  [
    "CONNECT to a path",
    ["CONNECT / HTTP/1.1", "Host: a"],
    400,
    "CONNECT is not supported: this is not a forward proxy",
  ],
  ["a bare LF ending a line", ["GET / HTTP/1.1\nHost: a"], 400, "a bare CR or LF in the head"],
  ["a bare CR ending a line", ["GET / HTTP/1.1\rHost: a"], 400, "a bare CR or LF in the head"],
  [
    "a bare LF in a value",
    ["GET / HTTP/1.1", "Host: a", "X-A: 1\nX-B: 2"],
    400,
    "a bare CR or LF in the head",
  ],
  [
    "a bare CR in a value",
    ["GET / HTTP/1.1", "Host: a", "X-A: 1\r2"],
    400,
    "a bare CR or LF in the head",
  ],
  ["a request line without version", ["GET /"], 400, "a malformed request line"],
  [
    "two spaces in the request line",
    ["GET  / HTTP/1.1", "Host: a"],
    400,
    "a malformed request line",
  ],
  ["HTTP/2.0", ["GET / HTTP/2.0", "Host: a"], 400, "a malformed request line"],
  ["a lower-case version", ["GET / http/1.1", "Host: a"], 400, "a malformed request line"],
  ["HTTP/1.2", ["GET / HTTP/1.2", "Host: a"], 400, "a malformed request line"],
  ["a method with a separator", ["GE(T / HTTP/1.1", "Host: a"], 400, "a malformed request line"],
  [
    "a target that is not a path",
    ["GET index.html HTTP/1.1", "Host: a"],
    400,
    "a request target that is not a path",
  ],
  ["* for GET", ["GET * HTTP/1.1", "Host: a"], 400, "a request target that is not a path"],
  [
    "an authority-form target",
    ["GET example.com:80 HTTP/1.1", "Host: a"],
    400,
    "a request target that is not a path",
  ],
  [
    "a header line without colon",
    ["GET / HTTP/1.1", "Host: a", "X-A"],
    400,
    "a malformed header line (3 of the head)",
  ],
  [
    "an empty header name",
    ["GET / HTTP/1.1", "Host: a", ": v"],
    400,
    "a malformed header line (3 of the head)",
  ],
  [
    "a space before the colon",
    ["GET / HTTP/1.1", "Host : a"],
    400,
    "a malformed header line (2 of the head)",
  ],
  [
    "a space in a name",
    ["GET / HTTP/1.1", "Host: a", "X A: 1"],
    400,
    "a malformed header line (3 of the head)",
  ],
  [
    "a folded line (obs-fold)",
    ["GET / HTTP/1.1", "Host: a", "X-A: 1", " continued: 2"],
    400,
    "a malformed header line (4 of the head)",
  ],
  [
    "a non-ASCII name",
    ["GET / HTTP/1.1", "Host: a", "X-\u00e9: 1"],
    400,
    "a malformed header line (3 of the head)",
  ],
  [
    "a spoofed peer header with a space before its colon",
    ["GET / HTTP/1.1", "Host: a", `${PEER_HEADER} : 1.2.3.4`],
    400,
    "a malformed header line (3 of the head)",
  ],
];

describe("parseRequestHead: rejections", () => {
  for (const [what, lines, status, reason] of REJECTED)
    test(`${what} → ${status}`, () => {
      expect(parse(...lines)).toEqual({ ok: false, status, reason });
    });
});

describe("parseRequestHead: framing", () => {
  test.each([
    [["GET / HTTP/1.1", "Host: a"], { kind: "none" }],
    [["POST / HTTP/1.1", "Host: a", "Content-Length: 0"], { kind: "none" }],
    [["POST / HTTP/1.1", "Host: a", "Content-Length: 000"], { kind: "none" }],
    [["POST / HTTP/1.1", "Host: a", "Content-Length: 12"], { kind: "length", length: 12 }],
    [["POST / HTTP/1.1", "Host: a", "content-length:  12 "], { kind: "length", length: 12 }],
    [
      ["POST / HTTP/1.1", "Host: a", "Content-Length: 7", "Content-Length: 7"],
      { kind: "length", length: 7 },
    ],
    [["POST / HTTP/1.1", "Host: a", "Content-Length: 7, 7"], { kind: "length", length: 7 }],
    [["POST / HTTP/1.1", "Host: a", "Transfer-Encoding: chunked"], { kind: "chunked" }],
    [["POST / HTTP/1.1", "Host: a", "Transfer-Encoding: CHUNKED"], { kind: "chunked" }],
    [["POST / HTTP/1.1", "Host: a", "Transfer-Encoding: gzip, chunked"], { kind: "chunked" }],
    [
      ["POST / HTTP/1.1", "Host: a", "Transfer-Encoding: gzip", "Transfer-Encoding: chunked"],
      { kind: "chunked" },
    ],
  ])("%j → %j", (lines, body) => {
    expect(head(...lines).body).toEqual(body as RequestHead["body"]);
  });

  test("Content-Length and Transfer-Encoding pass to the instance as they came", () => {
    const sent = headersOf(
      instanceHead(
        head("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: gzip, chunked"),
        "127.0.0.1",
        "http",
      ),
    );
    expect(sent.get("transfer-encoding")).toBe("gzip, chunked");
    const length = headersOf(
      instanceHead(head("PUT / HTTP/1.1", "Host: a", "Content-Length: 3"), "127.0.0.1", "http"),
    );
    expect(length.get("content-length")).toBe("3");
  });
});

describe("parseRequestHead: what passes to an instance", () => {
  test("hop-by-hop headers and those Connection names are dropped; the rest passes verbatim", () => {
    const h = head(
      "GET /p?q=1 HTTP/1.1",
      "Host: app.localhost:4321",
      "Connection: keep-alive, X-Secret,x-other",
      "X-Secret: no",
      "X-Other: no",
      "Keep-Alive: timeout=5",
      "Proxy-Connection: keep-alive",
      "Proxy-Authorization: Basic Zm9v",
      "TE: trailers",
      "Upgrade: h2c",
      "x-Custom:   spaced  value ",
      "Accept: */*",
    );
    expect(h.kept).toBe(
      "Host: app.localhost:4321\r\nx-Custom:   spaced  value \r\nAccept: */*\r\n",
    );
    expect(h.upgrade).toBe(true);
  });

  test("Connection never takes Content-Length, Transfer-Encoding or Host with it", () => {
    const h = head(
      "POST / HTTP/1.1",
      "Host: a",
      "Connection: Content-Length, Transfer-Encoding, Host, X-A",
      "Content-Length: 5",
      "X-A: 1",
    );
    expect(h.kept).toBe("Host: a\r\nContent-Length: 5\r\n");
    const chunked = head(
      "POST / HTTP/1.1",
      "Host: a",
      "Transfer-Encoding: chunked",
      "Connection: transfer-encoding",
    );
    expect(chunked.kept).toBe("Host: a\r\nTransfer-Encoding: chunked\r\n");
    expect(chunked.body).toEqual({ kind: "chunked" });
  });

  test("a head with nothing to drop passes as one slice", () => {
    const h = head("GET / HTTP/1.1", "Host: a", "Accept: text/plain", "X-B: 2");
    expect(h.kept).toBe("Host: a\r\nAccept: text/plain\r\nX-B: 2\r\n");
    expect(h.line).toBe("GET / HTTP/1.1");
    expect(instanceHead(h, "127.0.0.1", "http")).toBe(
      "GET / HTTP/1.1\r\nHost: a\r\nAccept: text/plain\r\nX-B: 2\r\nX-Forwarded-For: 127.0.0.1\r\nX-Forwarded-Proto: http\r\nX-Forwarded-Host: a\r\n\r\n",
    );
  });

  test("X-Forwarded-For is appended to the client's (all its lines); -Proto and -Host are kept when present", () => {
    const h = head(
      "GET / HTTP/1.1",
      "Host: app.test",
      "X-Forwarded-For: 203.0.113.9",
      "x-forwarded-for: 10.0.0.1, 10.0.0.2",
      "X-Forwarded-Proto: https",
      "X-Forwarded-Host: app.example.com",
    );
    const sent = headersOf(instanceHead(h, "192.0.2.7", "http"));
    expect(sent.get("x-forwarded-for")).toBe("203.0.113.9, 10.0.0.1, 10.0.0.2, 192.0.2.7");
    expect(sent.get("x-forwarded-proto")).toBe("https");
    expect(sent.get("x-forwarded-host")).toBe("app.example.com");
    expect(sent.get("host")).toBe("app.test");
  });

  test("without a proxy in front: X-Forwarded-* say who the client is and what it asked for", () => {
    const sent = headersOf(
      instanceHead(head("GET / HTTP/1.1", "Host: app.test:8080"), "192.0.2.7", "http"),
    );
    expect(sent.get("x-forwarded-for")).toBe("192.0.2.7");
    expect(sent.get("x-forwarded-proto")).toBe("http");
    expect(sent.get("x-forwarded-host")).toBe("app.test:8080");
    // HTTP/1.0 without Host: no X-Forwarded-Host to invent.
    const old = headersOf(instanceHead(head("GET / HTTP/1.0"), "192.0.2.7", "https"));
    expect(old.has("x-forwarded-host")).toBe(false);
    expect(old.get("x-forwarded-proto")).toBe("https");
  });

  test("absolute-form becomes origin-form, with the Host the URI names (the Host line is replaced)", () => {
    const cases: [string, string, string][] = [
      ["http://other.test:81/p?q=1", "/p?q=1", "other.test:81"],
      ["HTTP://Other.Test/", "/", "Other.Test"],
      ["https://secure.test/a/b", "/a/b", "secure.test"],
      ["http://bare.test", "/", "bare.test"],
      ["http://query.test?x=1", "/?x=1", "query.test"],
      // Credentials in the URI are not part of the Host.
      ["http://user:secret@creds.test:8080/x", "/x", "creds.test:8080"],
    ];
    for (const [uri, target, host] of cases) {
      const h = head(`GET ${uri} HTTP/1.1`, "Host: ignored.test", "X-A: 1");
      expect({ uri, target: h.target, host: h.host, line: h.line }).toEqual({
        uri,
        target,
        host,
        line: `GET ${target} HTTP/1.1`,
      });
      const sent = instanceHead(h, "127.0.0.1", "http");
      expect(sent.startsWith(`GET ${target} HTTP/1.1\r\nHost: ${host}\r\nX-A: 1\r\n`)).toBe(true);
      expect(sent).not.toContain("ignored.test");
      expect(headersOf(sent).get("x-forwarded-host")).toBe(host);
    }
    expect(head("GET http://a.test/ HTTP/1.0").line).toBe("GET / HTTP/1.0");
  });

  test("OPTIONS * passes as it is", () => {
    const h = head("OPTIONS * HTTP/1.1", "Host: a");
    expect(h.target).toBe("*");
    expect(h.line).toBe("OPTIONS * HTTP/1.1");
  });
});

describe("parseRequestHead: connection semantics", () => {
  test.each([
    ["HTTP/1.1", [], false],
    ["HTTP/1.1", ["Connection: close"], true],
    ["HTTP/1.1", ["Connection: Close"], true],
    ["HTTP/1.1", ["Connection: keep-alive, close"], true],
    ["HTTP/1.1", ["Connection: x-a", "Connection: close"], true],
    ["HTTP/1.1", ["Connection: closed"], false],
    ["HTTP/1.1", ["Connection: keep-alive"], false],
    ["HTTP/1.0", [], true],
    ["HTTP/1.0", ["Connection: keep-alive"], false],
    ["HTTP/1.0", ["Connection: Keep-Alive"], false],
    ["HTTP/1.0", ["Connection: close"], true],
  ])("%s %j → close %p", (version, lines, close) => {
    expect(head(`GET / ${version}`, "Host: a", ...lines).close).toBe(close);
  });

  test("an HTTP/1.0 keep-alive request asks the instance to keep its hop too; others do not", () => {
    const sent = (version: string, ...lines: string[]) =>
      headersOf(instanceHead(head(`GET / ${version}`, "Host: a", ...lines), "127.0.0.1", "http"));
    expect(sent("HTTP/1.0", "Connection: Keep-Alive").get("connection")).toBe("keep-alive");
    expect(head("GET / HTTP/1.0", "Host: a", "Connection: keep-alive").keepAlive10).toBe(true);
    expect(sent("HTTP/1.0").has("connection")).toBe(false);
    expect(sent("HTTP/1.0", "Connection: close").has("connection")).toBe(false);
    // HTTP/1.1 keeps the connection by default: Connection stays off the instance's hop.
    expect(sent("HTTP/1.1", "Connection: keep-alive").has("connection")).toBe(false);
    expect(head("GET / HTTP/1.1", "Host: a", "Connection: keep-alive").keepAlive10).toBe(false);
  });
});

describe("parseRequestHead: document detection (where live reload injects)", () => {
  test.each([
    ["GET", ["Sec-Fetch-Dest: document"], true],
    ["GET", ["Sec-Fetch-Dest: iframe"], true],
    ["HEAD", ["Sec-Fetch-Dest: document"], true],
    ["GET", ["Sec-Fetch-Dest: Document"], true],
    ["GET", ["Sec-Fetch-Dest: empty", "Accept: text/html"], false],
    ["GET", ["Sec-Fetch-Dest: script"], false],
    ["GET", ["Accept: text/html,application/xhtml+xml"], true],
    ["GET", ["Accept: application/json"], false],
    ["GET", ["Accept: text/html", "HX-Request: true"], false],
    ["GET", ["Sec-Fetch-Dest: document", "HX-Request: true"], true],
    ["GET", [], false],
    ["POST", ["Sec-Fetch-Dest: document", "Accept: text/html"], false],
  ])("%s %j → %p", (method, lines, document) => {
    expect(head(`${method} / HTTP/1.1`, "Host: a", ...lines).document).toBe(document);
  });
});

describe("the peer header", () => {
  const spoofed = [
    "GET / HTTP/1.1",
    "Host: a",
    `${PEER_HEADER}: forged-token 6.6.6.6`,
    "X-A: 1",
    "X-HotReload-Peer:forged-token 7.7.7.7",
    `${PEER_HEADER.toUpperCase()}:\tforged-token 8.8.8.8`,
  ];

  test("a client's never reaches an instance", () => {
    const sent = instanceHead(head(...spoofed), "127.0.0.1", "http");
    expect(sent.toLowerCase()).not.toContain(PEER_HEADER);
    expect(sent).not.toContain("forged");
    expect(headersOf(sent).get("x-a")).toBe("1");
  });

  test("a client's never reaches the own server: only the front's, last", () => {
    const sent = ownServerHead(head(...spoofed), "run-token 192.0.2.7");
    expect(sent).not.toContain("forged");
    const peers = sent.split("\r\n").filter((line) => line.toLowerCase().startsWith(PEER_HEADER));
    expect(peers).toEqual([`${PEER_HEADER}: run-token 192.0.2.7`]);
    expect(sent).toBe(
      `GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n${PEER_HEADER}: run-token 192.0.2.7\r\n\r\n`,
    );
  });

  test("the own server gets the rest of the head as the client sent it", () => {
    const h = head(
      "GET http://x.test/p HTTP/1.1",
      "Host: a",
      "Connection: X-A",
      "X-A: 1",
      "Upgrade: websocket",
    );
    expect(ownServerHead(h, "t 1.2.3.4")).toBe(
      `GET http://x.test/p HTTP/1.1\r\nHost: a\r\nConnection: X-A\r\nX-A: 1\r\nUpgrade: websocket\r\n${PEER_HEADER}: t 1.2.3.4\r\n\r\n`,
    );
  });

  test("a header that only starts like it is left alone", () => {
    const h = head("GET / HTTP/1.1", "Host: a", `${PEER_HEADER}-extra: 1`);
    expect(headersOf(instanceHead(h, "127.0.0.1", "http")).get(`${PEER_HEADER}-extra`)).toBe("1");
    expect(ownServerHead(h, "t 1.2.3.4")).toContain(`${PEER_HEADER}-extra: 1\r\n`);
  });
});
