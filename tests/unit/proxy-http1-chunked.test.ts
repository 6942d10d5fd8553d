import { describe, expect, test } from "bun:test";
import { createChunkedScanner } from "../../src/proxy/http1/chunked.ts";

const bytes = (text: string) => Buffer.from(text, "latin1");

/** Feeds `body` in the pieces `cuts` makes; the body's end as an index into the whole, or -1. */
function endOf(body: string, cuts: number[] = []): { end: number; error: string | null } {
  const scan = createChunkedScanner();
  const whole = bytes(body);
  let from = 0;
  for (const cut of [...cuts, whole.length]) {
    const end = scan.feed(whole.subarray(from, cut), 0);
    if (end !== -1) return { end: from + end, error: scan.error };
    if (scan.error) return { end: -1, error: scan.error };
    from = cut;
  }
  return { end: -1, error: scan.error };
}

const WELL_FORMED: [string, string][] = [
  ["one chunk", "5\r\nhello\r\n0\r\n\r\n"],
  ["no data at all", "0\r\n\r\n"],
  ["upper-case hex size", `1A\r\n${"x".repeat(26)}\r\n0\r\n\r\n`],
  ["lower-case hex size", `1a\r\n${"x".repeat(26)}\r\n0\r\n\r\n`],
  ["leading zeros", "000a\r\n0123456789\r\n0000\r\n\r\n"],
  ["several chunks", "3\r\nabc\r\n4\r\ndefg\r\n1\r\nh\r\n0\r\n\r\n"],
  ["extensions", "5;name=value;flag\r\nhello\r\n0;last=yes\r\n\r\n"],
  ["whitespace before an extension", "5 ;a=b\r\nhello\r\n0\t;c\r\n\r\n"],
  ["a quoted extension", '5;q="a b;c"\r\nhello\r\n0\r\n\r\n'],
  ["trailers", "5\r\nhello\r\n0\r\nExpires: never\r\nX-Sum: 42\r\n\r\n"],
  ["data holding CRLF and digits", "6\r\n\r\n0\r\n\r\r\n0\r\n\r\n"],
];

describe("chunked scanner", () => {
  for (const [what, body] of WELL_FORMED)
    test(`${what}: ends just past the last CRLF`, () => {
      expect(endOf(body)).toEqual({ end: body.length, error: null });
    });

  test("the body split at every byte boundary ends at the same byte", () => {
    for (const [what, body] of WELL_FORMED)
      for (let cut = 0; cut <= body.length; cut++)
        expect({ what, cut, ...endOf(body, [cut]) }).toEqual({
          what,
          cut,
          end: body.length,
          error: null,
        });
  });

  test("fed one byte at a time, it ends at the same byte", () => {
    for (const [what, body] of WELL_FORMED) {
      const cuts = Array.from({ length: body.length }, (_, i) => i + 1);
      expect({ what, ...endOf(body, cuts) }).toEqual({ what, end: body.length, error: null });
    }
  });

  test("what follows the body (a pipelined request) is left alone, from any offset", () => {
    const body = "3\r\nabc\r\n0\r\n\r\n";
    const next = "GET /next HTTP/1.1\r\n\r\n";
    const buffer = bytes(`HEAD${body}${next}`);
    const scan = createChunkedScanner();
    expect(scan.feed(buffer, 4)).toBe(4 + body.length);
    expect(scan.error).toBeNull();
    // Done: more bytes are not its business.
    expect(scan.feed(bytes("0\r\n\r\n"), 0)).toBe(-1);
    expect(scan.error).toBeNull();
  });

  test("an unfinished body asks for more, without an error", () => {
    for (const body of [
      "5",
      "5\r",
      "5\r\nhel",
      "5\r\nhello\r\n",
      "5\r\nhello\r\n0\r\n",
      "0\r\nX: 1\r\n",
    ])
      expect(endOf(body)).toEqual({ end: -1, error: null });
  });

  const MALFORMED: [string, string, string][] = [
    ["no size", "\r\nhello\r\n0\r\n\r\n", "a chunk without a hexadecimal size"],
    ["a size that is not hex", "g\r\n", "a chunk without a hexadecimal size"],
    ["a negative size", "-5\r\n", "a chunk without a hexadecimal size"],
    ["a 0x prefix", "0x5\r\nhello\r\n", "a chunk size followed by something else than CRLF"],
    [
      "a bare LF after the size",
      "5\nhello\r\n",
      "a chunk size followed by something else than CRLF",
    ],
    ["a bare LF after an extension", "5;a\nhello\r\n", "a bare LF after a chunk size"],
    ["a CR without LF after the size", "5\rhello", "a CR without LF after a chunk size"],
    ["16 hex digits", "1000000000000000\r\n", "a chunk size with too many digits"],
    ["data longer than its size", "3\r\nhello\r\n", "chunk data longer than its size"],
    ["a CR without LF after data", "3\r\nabc\rX", "a CR without LF after chunk data"],
    ["a bare LF in a trailer", "0\r\nX: 1\n\r\n", "a bare LF in the trailer section"],
    ["a bare LF starting the trailers", "0\r\n\n", "a bare LF in the trailer section"],
    [
      "a CR without LF in a trailer",
      "0\r\nX: 1\rY\r\n\r\n",
      "a CR without LF in the trailer section",
    ],
    ["a CR without LF at the end", "0\r\n\rX", "a CR without LF at the end of the body"],
  ];

  for (const [what, body, error] of MALFORMED)
    test(`malformed: ${what}`, () => {
      expect(endOf(body)).toEqual({ end: -1, error });
      // Split anywhere, the same error; and a failed scanner stays failed.
      for (let cut = 0; cut <= body.length; cut++) expect(endOf(body, [cut]).error).toBe(error);
      const scan = createChunkedScanner();
      scan.feed(bytes(body), 0);
      expect(scan.feed(bytes("0\r\n\r\n"), 0)).toBe(-1);
      expect(scan.error).toBe(error);
    });

  test("15 hex digits are still a size (the limit is one more)", () => {
    expect(endOf("000000000000003\r\nabc\r\n0\r\n\r\n").error).toBeNull();
  });
});
