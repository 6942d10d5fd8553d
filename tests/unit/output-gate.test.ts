import { expect, test } from "bun:test";
import { Writable } from "node:stream";
import { createOutputGate } from "../../src/events/output-gate.ts";

/** A real Writable whose sink completes writes only when the test says so. */
function slowStream() {
  const pending: (() => void)[] = [];
  const stream = new Writable({
    highWaterMark: 16,
    write(_chunk, _encoding, done) {
      pending.push(done);
    },
  });
  const release = () => {
    for (const done of pending.splice(0)) done();
  };
  return { stream, release };
}

test("output flows: no hold", () => {
  const gate = createOutputGate();
  const { stream } = slowStream();
  gate.wrap(stream).write("short");
  expect(gate.hold()).toBeNull();
});

test("a refused write holds until the stream drains, then lets go", async () => {
  const gate = createOutputGate();
  const { stream, release } = slowStream();
  const out = gate.wrap(stream);
  out.write("more than sixteen bytes of text");
  await Promise.resolve(); // writes of one turn go out together, right after it
  const held = gate.hold();
  expect(held).not.toBeNull();
  expect(gate.hold()).toBe(held as Promise<void>);
  let done = false;
  void held?.then(() => {
    done = true;
  });
  await Bun.sleep(0);
  expect(done).toBe(false);
  release();
  await held;
  expect(gate.hold()).toBeNull();
  expect(stream.listenerCount("drain")).toBe(0);
  // One listener each for good, whatever number of refused writes came before.
  expect([stream.listenerCount("close"), stream.listenerCount("error")]).toEqual([1, 1]);
});

test("two streams: the gate opens only when both drained; a closed stream lets go", async () => {
  const gate = createOutputGate();
  const a = slowStream();
  const b = slowStream();
  gate.wrap(a.stream).write("more than sixteen bytes of text");
  gate.wrap(b.stream).write("more than sixteen bytes of text");
  await Promise.resolve();
  const held = gate.hold();
  a.release();
  await Bun.sleep(0);
  expect(gate.hold()).toBe(held as Promise<void>);
  b.stream.destroy();
  await held;
  expect(gate.hold()).toBeNull();
});

test("lines written in one turn reach the stream as one write, in order", async () => {
  const gate = createOutputGate();
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const out = gate.wrap(stream);
  out.write("a\n");
  out.write("b\n");
  out.write("c\n");
  expect(chunks).toEqual([]);
  await Promise.resolve();
  expect(chunks).toEqual(["a\nb\nc\n"]);
  out.write("d\n");
  await Promise.resolve();
  expect(chunks).toEqual(["a\nb\nc\n", "d\n"]);
});

test("a stream whose reader is gone (EPIPE) never holds again; its output is dropped; said once", async () => {
  const closed: string[] = [];
  const gate = createOutputGate({ onClosed: (name, reason) => closed.push(`${name} ${reason}`) });
  const writes: string[] = [];
  const stream = new Writable({
    highWaterMark: 16,
    write(chunk, _encoding, done) {
      writes.push(String(chunk));
      const error = Object.assign(new Error("EPIPE: broken pipe, write"), { code: "EPIPE" });
      done(error);
    },
  });
  const out = gate.wrap(stream, "stdout");
  out.write("more than sixteen bytes of text");
  await Promise.resolve();
  const held = gate.hold();
  await held;
  for (let i = 0; i < 5; i++) {
    out.write("more than sixteen bytes of text, again");
    await Promise.resolve();
    expect(gate.hold()).toBeNull();
  }
  expect(writes).toHaveLength(1);
  expect(closed).toEqual(["stdout EPIPE"]);
});
