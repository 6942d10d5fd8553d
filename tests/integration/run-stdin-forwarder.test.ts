import { afterEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { silentLogger } from "../../src/log.ts";
import { type RunningProcess, startProcess } from "../../src/run/runner.ts";
import { createStdinForwarder } from "../../src/run/stdin-forwarder.ts";
import { createLineCollector, killGroupsQuietly } from "../helpers/run-processes.ts";

const server = join(import.meta.dir, "..", "fixtures", "run-server.sh");
const started: RunningProcess[] = [];
afterEach(() => {
  killGroupsQuietly(started.map((p) => p.pid));
  started.length = 0;
});

function echoServer() {
  const out = createLineCollector();
  const proc = startProcess({
    command: `sh ${server} echo-stdin`,
    cwd: import.meta.dir,
    env: {},
    forceColor: false,
    stdin: "forward",
    onLine: out.onLine,
    log: silentLogger,
    stop: { signal: "SIGTERM", timeoutMs: 2000 },
  });
  started.push(proc);
  return { proc, out };
}

describe("stdin forwarder", () => {
  test("only the attached child gets input; input typed between children waits for the next", async () => {
    const input = new PassThrough();
    const forwarder = createStdinForwarder({ input, log: silentLogger });
    try {
      const a = echoServer();
      const b = echoServer();
      await a.out.waitFor(/^ready$/);
      await b.out.waitFor(/^ready$/);
      forwarder.attach(a.proc.stdin);
      input.write("one\n");
      await a.out.waitFor(/^got one$/);
      forwarder.attach(null);
      input.write("two\n");
      forwarder.attach(b.proc.stdin);
      await b.out.waitFor(/^got two$/);
      expect(a.out.lines).not.toContain("got two");
      expect(b.out.lines).not.toContain("got one");
      input.end();
      await b.out.waitFor(/^eof$/);
      await Promise.all([a.proc.stop(), b.proc.exited]);
    } finally {
      forwarder.dispose();
    }
  });

  test("nothing is read from the input until a child is attached", () => {
    const input = new PassThrough();
    const forwarder = createStdinForwarder({ input, log: silentLogger });
    input.write("keep me\n");
    forwarder.attach(null);
    expect(input.listenerCount("data")).toBe(0);
    expect(input.read()?.toString()).toBe("keep me\n");
    forwarder.dispose();
  });
});
