import { describe, expect, test } from "bun:test";
import {
  type ParsedResponse,
  parseResponseBytes,
  parseResponseHead,
} from "../../src/proxy/http1/response-head.ts";

const text = (...lines: string[]) => lines.join("\r\n");

/** Parsed, or throws with the reason. */
function parsed(head: boolean, ...lines: string[]) {
  const result = parseResponseHead(text(...lines), head);
  if (!result.ok) throw new Error(`rejected: ${result.reason}`);
  return result.head;
}

type Case = [what: string, lines: string[], head: boolean, body: unknown, close: boolean];

const FRAMED: Case[] = [
  [
    "a length",
    ["HTTP/1.1 200 OK", "Content-Length: 12"],
    false,
    { kind: "length", length: 12 },
    false,
  ],
  ["a zero length", ["HTTP/1.1 200 OK", "Content-Length: 0"], false, { kind: "none" }, false],
  [
    "a length with spaces",
    ["HTTP/1.1 200 OK", "content-length:\t 7 "],
    false,
    { kind: "length", length: 7 },
    false,
  ],
  [
    "two equal lengths",
    ["HTTP/1.1 200 OK", "Content-Length: 7", "Content-Length: 7"],
    false,
    { kind: "length", length: 7 },
    false,
  ],
  ["chunked", ["HTTP/1.1 200 OK", "Transfer-Encoding: chunked"], false, { kind: "chunked" }, false],
  [
    "gzip, chunked",
    ["HTTP/1.1 200 OK", "Transfer-Encoding: gzip, chunked"],
    false,
    { kind: "chunked" },
    false,
  ],
  [
    "chunked on a second line",
    ["HTTP/1.1 200 OK", "Transfer-Encoding: gzip", "transfer-encoding: Chunked"],
    false,
    { kind: "chunked" },
    false,
  ],
  [
    "a coding that is not chunked: until close",
    ["HTTP/1.1 200 OK", "Transfer-Encoding: gzip"],
    false,
    { kind: "close" },
    true,
  ],
  [
    "no framing: until close",
    ["HTTP/1.1 200 OK", "Content-Type: text/plain"],
    false,
    { kind: "close" },
    true,
  ],
  [
    "a status line without reason",
    ["HTTP/1.1 200", "Content-Length: 1"],
    false,
    { kind: "length", length: 1 },
    false,
  ],
  [
    "an empty reason",
    ["HTTP/1.1 200 ", "Content-Length: 1"],
    false,
    { kind: "length", length: 1 },
    false,
  ],
  ["HEAD with a length", ["HTTP/1.1 200 OK", "Content-Length: 12"], true, { kind: "none" }, false],
  [
    "HEAD, chunked",
    ["HTTP/1.1 200 OK", "Transfer-Encoding: chunked"],
    true,
    { kind: "none" },
    false,
  ],
  ["HEAD without framing", ["HTTP/1.1 200 OK"], true, { kind: "none" }, false],
  [
    "204 with a length",
    ["HTTP/1.1 204 No Content", "Content-Length: 5"],
    false,
    { kind: "none" },
    false,
  ],
  ["204 without framing", ["HTTP/1.1 204 No Content"], false, { kind: "none" }, false],
  [
    "304 with a length",
    ["HTTP/1.1 304 Not Modified", "Content-Length: 500"],
    false,
    { kind: "none" },
    false,
  ],
  [
    "304, chunked",
    ["HTTP/1.1 304 Not Modified", "Transfer-Encoding: chunked"],
    false,
    { kind: "none" },
    false,
  ],
  ["100 Continue", ["HTTP/1.1 100 Continue"], false, { kind: "none" }, false],
  [
    "103 Early Hints",
    ["HTTP/1.1 103 Early Hints", "Link: </a.css>; rel=preload"],
    false,
    { kind: "none" },
    false,
  ],
  [
    "101 Switching Protocols",
    ["HTTP/1.1 101 Switching Protocols", "Connection: Upgrade", "Upgrade: websocket"],
    false,
    { kind: "none" },
    false,
  ],
  [
    "Connection: close",
    ["HTTP/1.1 200 OK", "Connection: close", "Content-Length: 2"],
    false,
    { kind: "length", length: 2 },
    true,
  ],
  [
    "Connection: keep-alive, Close",
    ["HTTP/1.1 200 OK", "Connection: keep-alive, Close", "Content-Length: 2"],
    false,
    { kind: "length", length: 2 },
    true,
  ],
  [
    "HTTP/1.0",
    ["HTTP/1.0 200 OK", "Content-Length: 2"],
    false,
    { kind: "length", length: 2 },
    true,
  ],
  [
    "HTTP/1.0 with keep-alive",
    ["HTTP/1.0 200 OK", "Connection: keep-alive", "Content-Length: 2"],
    false,
    { kind: "length", length: 2 },
    false,
  ],
  [
    "HTTP/1.0 until close",
    ["HTTP/1.0 200 OK", "Connection: keep-alive"],
    false,
    { kind: "close" },
    true,
  ],
  [
    "a 5xx with a length",
    ["HTTP/1.1 503 Service Unavailable", "Content-Length: 3"],
    false,
    { kind: "length", length: 3 },
    false,
  ],
];

const MALFORMED: [what: string, lines: string[], reason: string][] = [
  ["garbage", ["garbage"], "a malformed status line"],
  ["an HTML page", ["<html><body>hello</body></html>"], "a malformed status line"],
  ["HTTP/2", ["HTTP/2 200 OK"], "a malformed status line"],
  ["HTTP/1.2", ["HTTP/1.2 200 OK"], "a malformed status line"],
  ["a two-digit status", ["HTTP/1.1 20 OK"], "a malformed status line"],
  ["a four-digit status", ["HTTP/1.1 2000 OK"], "a malformed status line"],
  ["a status below 100", ["HTTP/1.1 099 Odd"], "a malformed status line"],
  ["letters for a status", ["HTTP/1.1 2x0 OK"], "a malformed status line"],
  ["no space after the version", ["HTTP/1.1200 OK"], "a malformed status line"],
  ["an empty head", [""], "a malformed status line"],
  [
    "a header line without colon",
    ["HTTP/1.1 200 OK", "Content-Length 5"],
    "a malformed header line",
  ],
  ["a header line with an empty name", ["HTTP/1.1 200 OK", ": 5"], "a malformed header line"],
  [
    "two different lengths",
    ["HTTP/1.1 200 OK", "Content-Length: 5", "Content-Length: 6"],
    "a Content-Length that is not one number",
  ],
  [
    "a negative length",
    ["HTTP/1.1 200 OK", "Content-Length: -1"],
    "a Content-Length that is not one number",
  ],
  [
    "an empty length",
    ["HTTP/1.1 200 OK", "Content-Length:"],
    "a Content-Length that is not one number",
  ],
  [
    "a length of 16 digits",
    ["HTTP/1.1 200 OK", "Content-Length: 1234567890123456"],
    "a Content-Length that is not one number",
  ],
];

describe("parseResponseHead: framing and close", () => {
  for (const [what, lines, isHead, body, close] of FRAMED)
    test(`${what}${isHead ? " (HEAD)" : ""}`, () => {
      const h = parsed(isHead, ...lines);
      expect({ body: h.body, close: h.close }).toEqual({ body, close } as never);
      expect(h.status).toBe(Number(lines[0]?.slice(9, 12)));
    });

  for (const [what, lines, reason] of MALFORMED)
    test(`malformed: ${what}`, () => {
      expect(parseResponseHead(text(...lines), false)).toEqual({ ok: false, reason });
    });
});

describe("parseResponseHead: the head for the client", () => {
  test("without hop-by-hop headers the received bytes pass (nothing rewritten)", () => {
    expect(parsed(false, "HTTP/1.1 200 OK", "Content-Length: 2", "X-A: 1").rewritten).toBeNull();
    expect(parsed(false, "HTTP/1.1 200 OK", "Transfer-Encoding: chunked").rewritten).toBeNull();
  });

  test("Connection, Keep-Alive, Proxy-Connection and what Connection names go; the rest stays in order", () => {
    const h = parsed(
      false,
      "HTTP/1.1 200 OK",
      "Content-Type: text/plain",
      "Connection: keep-alive, X-Private",
      "Keep-Alive: timeout=5",
      "Proxy-Connection: keep-alive",
      "X-Private: secret",
      "Set-Cookie: a=1",
      "Content-Length: 2",
      "Set-Cookie: b=2",
    );
    expect(h.rewritten).toBe(
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nSet-Cookie: a=1\r\nContent-Length: 2\r\nSet-Cookie: b=2\r\n\r\n",
    );
    expect(h.body).toEqual({ kind: "length", length: 2 });
  });

  test("the framing headers stay whatever Connection names", () => {
    const h = parsed(
      false,
      "HTTP/1.1 200 OK",
      "Connection: close, Transfer-Encoding, Content-Length",
      "Transfer-Encoding: chunked",
    );
    expect(h.rewritten).toBe("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    expect(h.close).toBe(true);
    const length = parsed(
      false,
      "HTTP/1.1 200 OK",
      "Connection: content-length",
      "Content-Length: 4",
    );
    expect(length.rewritten).toBe("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n");
  });

  test("Transfer-Encoding and Content-Length: the body is chunked and Content-Length does not reach the client", () => {
    // RFC 9112 §6.3: an intermediary that forwards such a message must remove Content-Length.
    const h = parsed(
      false,
      "HTTP/1.1 200 OK",
      "Content-Length: 3",
      "Transfer-Encoding: chunked",
      "X-A: 1",
    );
    expect(h.body).toEqual({ kind: "chunked" });
    expect(h.rewritten).toBe("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\n\r\n");
  });

  test("an upgrade offered in a final answer (426, h2c) is about this hop: Upgrade goes with Connection", () => {
    const h = parsed(
      false,
      "HTTP/1.1 426 Upgrade Required",
      "Upgrade: TLS/1.2",
      "Connection: Upgrade",
      "Content-Length: 0",
    );
    expect(h.rewritten).toBe("HTTP/1.1 426 Upgrade Required\r\nContent-Length: 0\r\n\r\n");
  });

  test("a 101 passes as it is: its Connection: Upgrade is the point", () => {
    const h = parsed(
      false,
      "HTTP/1.1 101 Switching Protocols",
      "Connection: Upgrade",
      "Upgrade: websocket",
    );
    expect(h.rewritten).toBeNull();
  });
});

describe("parseResponseBytes agrees with parseResponseHead", () => {
  const heads: [string[], boolean][] = [
    ...FRAMED.map(([, lines, isHead]) => [lines, isHead] as [string[], boolean]),
    ...MALFORMED.map(([, lines]) => [lines, false] as [string[], boolean]),
    [["HTTP/1.1 200 OK", "Connection: x-a", "X-A: 1", "Content-Length: 1"], false],
    [["HTTP/1.1 200 OK", "Keep-Alive: timeout=1", "Content-Length: 1"], false],
    [["HTTP/1.1 200 OK", "Content-Length: 3", "Transfer-Encoding: chunked"], false],
  ];

  test("on every head of the tables, read in place inside a larger buffer", () => {
    for (const [lines, isHead] of heads) {
      const head = text(...lines);
      const expected: ParsedResponse = parseResponseHead(head, isHead);
      // The head sits between the end of an earlier answer and the body of its own.
      const before = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx";
      const buffer = Buffer.from(`${before}${head}\r\n\r\nbody bytes`, "latin1");
      const start = before.length;
      const actual = parseResponseBytes(buffer, start, start + head.length, isHead);
      expect({ head, isHead, actual }).toEqual({ head, isHead, actual: expected });
    }
  });
});
