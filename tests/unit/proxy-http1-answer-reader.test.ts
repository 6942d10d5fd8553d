import { describe, expect, test } from "bun:test";
import {
  type AnswerReader,
  createAnswerReader,
  MAX_HEAD,
} from "../../src/proxy/http1/answer-reader.ts";

/** What the reader told its sink, in order: the client's bytes and the events between them. */
type Event =
  | { bytes: string }
  | { answered: true }
  | { switched: true }
  | { failed: string; passed: boolean };

function reading(onAnswered: () => void = () => {}): {
  reader: AnswerReader;
  events: Event[];
  client(): string;
} {
  const events: Event[] = [];
  const push = (bytes: string) => {
    const last = events.at(-1);
    // Consecutive ranges are one write to the client: join them so tests read naturally.
    if (last && "bytes" in last) last.bytes += bytes;
    else events.push({ bytes });
  };
  const reader = createAnswerReader({
    pass: (bytes, start, end) => push(bytes.toString("latin1", start, end)),
    passHead: (head) => push(head),
    answered: () => {
      events.push({ answered: true });
      onAnswered();
    },
    switched: () => events.push({ switched: true }),
    failed: (reason, passed) => events.push({ failed: reason, passed }),
  });
  const client = () => events.map((e) => ("bytes" in e ? e.bytes : "")).join("");
  return { reader, events, client };
}

const feed = (reader: AnswerReader, text: string) => reader.feed(Buffer.from(text, "latin1"));

const OK = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
const CHUNKED = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
const NO_CONTENT = "HTTP/1.1 204 No Content\r\nX-A: 1\r\n\r\n";

describe("answer reader", () => {
  test("pipelined answers in one buffer: each one ends where it should", () => {
    // As the front does: an answer's end starts the next exchange (finish → begin → expect).
    const queued = [false, true, false];
    const { reader, events } = reading(() => {
      const next = queued.shift();
      if (next !== undefined) reader.expect(next);
    });
    reader.expect(false);
    const headAnswer = "HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n";
    feed(reader, `${OK}${CHUNKED}${headAnswer}${NO_CONTENT}`);
    expect(events).toEqual([
      { bytes: OK },
      { answered: true },
      { bytes: CHUNKED },
      { answered: true },
      { bytes: headAnswer },
      { answered: true },
      { bytes: NO_CONTENT },
      { answered: true },
    ]);
    expect(reader.idle).toBe(true);
  });

  test("bytes nobody asked for: failed, and passed says an answer already went out", () => {
    const { reader, events } = reading();
    reader.expect(false);
    feed(reader, `${OK}HTTP/1.1 200 OK\r\n\r\n`);
    expect(events).toEqual([
      { bytes: OK },
      { answered: true },
      { failed: "answered what was not asked", passed: true },
    ]);
  });

  test("an extra CRLF after an answer (older servers) is skipped, idle or before the next head", () => {
    const { reader, events } = reading();
    reader.expect(false);
    feed(reader, `${OK}\r\n`);
    feed(reader, "\r");
    feed(reader, "\n");
    expect(events).toEqual([{ bytes: OK }, { answered: true }]);
    reader.expect(false);
    feed(reader, `\r\n\r\n${OK}`);
    expect(events).toEqual([{ bytes: OK }, { answered: true }, { bytes: OK }, { answered: true }]);
    // Split between its CR and its LF, right before the next head.
    reader.expect(false);
    feed(reader, "\r");
    feed(reader, `\n${OK}`);
    expect(events.slice(4)).toEqual([{ bytes: OK }, { answered: true }]);
  });

  test("a head split across feeds at every boundary: the same bytes and one end", () => {
    for (const answer of [OK, CHUNKED, NO_CONTENT]) {
      for (let cut = 1; cut < answer.length; cut++) {
        const { reader, events, client } = reading();
        reader.expect(false);
        feed(reader, answer.slice(0, cut));
        feed(reader, answer.slice(cut));
        expect({ cut, client: client() }).toEqual({ cut, client: answer });
        expect(events.filter((e) => !("bytes" in e))).toEqual([{ answered: true }]);
        expect(events.at(-1)).toEqual({ answered: true });
        expect(reader.idle).toBe(true);
      }
    }
  });

  test("fed one byte at a time, a chunked answer ends on its last byte", () => {
    const { reader, events, client } = reading();
    reader.expect(false);
    for (let i = 0; i < CHUNKED.length; i++) {
      expect(reader.idle).toBe(false);
      feed(reader, CHUNKED[i] as string);
    }
    expect(client()).toBe(CHUNKED);
    expect(events.at(-1)).toEqual({ answered: true });
  });

  test("100 Continue, then the 200: both pass, one end, after the 200", () => {
    const { reader, events } = reading();
    reader.expect(false);
    feed(reader, "HTTP/1.1 100 Continue\r\n\r\n");
    expect(events).toEqual([{ bytes: "HTTP/1.1 100 Continue\r\n\r\n" }]);
    expect(reader.idle).toBe(false);
    expect(reader.started).toBe(true);
    feed(reader, "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n");
    feed(reader, OK);
    expect(events).toEqual([
      {
        bytes: `HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n${OK}`,
      },
      { answered: true },
    ]);
  });

  test("101: everything after the head is a tunnel, both answers' bytes pass as they are", () => {
    const { reader, events } = reading();
    reader.expect(false);
    const head =
      "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n";
    feed(reader, `${head}\x81\x02hi`);
    expect(reader.tunnel).toBe(true);
    feed(reader, "HTTP/1.1 200 OK\r\n\r\nnot a head");
    expect(events).toEqual([
      { bytes: `${head}\x81\x02hi` },
      { switched: true },
      { bytes: "HTTP/1.1 200 OK\r\n\r\nnot a head" },
    ]);
  });

  test("HEAD: no body whatever the length says; the next answer follows", () => {
    const { reader, events } = reading();
    reader.expect(true);
    feed(reader, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
    expect(events).toEqual([
      { bytes: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n" },
      { answered: true },
    ]);
    reader.expect(false);
    feed(reader, OK);
    expect(events.at(-1)).toEqual({ answered: true });
  });

  test("until close: every byte passes and the answer never ends by itself", () => {
    const { reader, events, client } = reading();
    reader.expect(false);
    feed(reader, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nfirst ");
    feed(reader, "HTTP/1.1 200 OK\r\n\r\n");
    expect(reader.untilClose).toBe(true);
    expect(reader.closeAfter).toBe(true);
    expect(client()).toBe(
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nfirst HTTP/1.1 200 OK\r\n\r\n",
    );
    expect(events.some((e) => "answered" in e)).toBe(false);
  });

  test("Connection: close: the answer ends, closeAfter says the connection goes; the head is rewritten", () => {
    const { reader, events } = reading();
    reader.expect(false);
    feed(reader, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
    expect(events).toEqual([
      { bytes: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok" },
      { answered: true },
    ]);
    expect(reader.closeAfter).toBe(true);
  });

  test("the length counts across feeds, and the rest of the buffer is the next answer's", () => {
    const { reader, events } = reading();
    reader.expect(false);
    feed(reader, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234");
    feed(reader, "567");
    expect(reader.idle).toBe(false);
    feed(reader, "89");
    expect(events.at(-1)).toEqual({ answered: true });
    expect(reader.idle).toBe(true);
  });

  test("malformed before anything passed: failed with passed=false, nothing reached the client", () => {
    for (const garbage of [
      "garbage\r\n\r\n",
      "HTTP/1.1 2xx OK\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
    ]) {
      const { reader, events } = reading();
      reader.expect(false);
      feed(reader, garbage);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ passed: false });
      expect((events[0] as { failed: string }).failed).toStartWith("answered with a ");
      expect(reader.started).toBe(false);
      // Stopped: what still comes is ignored.
      feed(reader, OK);
      expect(events).toHaveLength(1);
    }
  });

  test("malformed chunked body after the head passed: failed with passed=true", () => {
    const { reader, events } = reading();
    reader.expect(false);
    feed(reader, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel");
    feed(reader, "loXX\r\n");
    expect(events).toEqual([
      { bytes: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel" },
      { failed: "a malformed chunked answer (chunk data longer than its size)", passed: true },
    ]);
  });

  test("a head larger than MAX_HEAD without its end: failed, passed=false", () => {
    const { reader, events } = reading();
    reader.expect(false);
    feed(reader, "HTTP/1.1 200 OK\r\n");
    const line = `X-Big: ${"a".repeat(1000)}\r\n`;
    for (let size = 0; size <= MAX_HEAD; size += line.length) feed(reader, line);
    expect(events).toEqual([{ failed: "answered with a head too large", passed: false }]);
  });

  test("for an HTTP/1.0 keep-alive client, the answer says keep-alive, whatever the instance said of its hop", () => {
    const { reader, client } = reading();
    reader.expect(false, true);
    feed(reader, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    reader.expect(false, true);
    feed(reader, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
    reader.expect(true, true);
    feed(reader, "HTTP/1.1 200 OK\r\n\r\n");
    expect(client()).toBe(
      [
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok",
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok",
        "HTTP/1.1 200 OK\r\nConnection: keep-alive\r\n\r\n",
      ].join(""),
    );
  });

  test("an answer that ends with its connection cannot keep it: no keep-alive is added", () => {
    const { reader, client } = reading();
    reader.expect(false, true);
    feed(reader, "HTTP/1.0 200 OK\r\n\r\nuntil close");
    expect(client()).toBe("HTTP/1.0 200 OK\r\n\r\nuntil close");
  });

  test("stop(): nothing more reaches the sink", () => {
    const { reader, events } = reading();
    reader.expect(false);
    feed(reader, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhe");
    reader.stop();
    feed(reader, "llo");
    expect(events).toEqual([{ bytes: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhe" }]);
  });
});
