/**
 * Nothing unprefixed in the user's terminal (issue 18, item 7): the dashboard sets Bun's
 * idle timeout itself, so a request that stalls is closed without Bun's own warning
 * ("Bun.serve() timed out a request …") on stderr. Runs in a child process to see its stderr.
 */
import { expect, test } from "bun:test";
import { connect } from "node:net";
import { join } from "node:path";

const server = join(import.meta.dir, "..", "..", "src", "dashboard", "server.ts");
const bus = join(import.meta.dir, "..", "..", "src", "events", "bus.ts");

const TOKEN = "timeout-test-token-0123456789abcdefghij";
const script = `
import { startDashboard } from ${JSON.stringify(server)};
import { createEventBus } from ${JSON.stringify(bus)};
const log = { debug() {}, info() {}, warn: (m) => console.error("hotreload dashboard " + m), error: (m) => console.error("hotreload dashboard " + m) };
const started = await startDashboard({ host: "127.0.0.1", port: 0, bus: createEventBus(), config: {}, onCommand() {}, log, token: ${JSON.stringify(TOKEN)}, idleTimeoutSeconds: 1 });
if (!started.ok) throw new Error(started.error.message);
console.log("port " + started.value.port);
`;

test("a stalled request is closed by our timeout, and Bun prints nothing of its own", async () => {
  const child = Bun.spawn([process.execPath, "-e", script], { stdout: "pipe", stderr: "pipe" });
  try {
    const reader = child.stdout.getReader();
    let out = "";
    while (!/port (\d+)/.test(out)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the dashboard did not start: ${out}`);
      out += new TextDecoder().decode(value);
    }
    const port = Number(/port (\d+)/.exec(out)![1]);
    const started = performance.now();
    // A valid request whose body never comes: the server must close the connection itself.
    await new Promise<void>((resolve, reject) => {
      const socket = connect(port, "127.0.0.1", () =>
        socket.write(
          [
            "POST /api/command HTTP/1.1",
            `Host: 127.0.0.1:${port}`,
            `Origin: http://127.0.0.1:${port}`,
            `X-Hotreload-Token: ${TOKEN}`,
            "Content-Type: application/json",
            "Content-Length: 100",
            "",
            "{",
          ].join("\r\n"),
        ),
      );
      socket.on("close", () => resolve());
      socket.on("error", reject);
      setTimeout(() => reject(new Error("the stalled connection was never closed")), 20_000);
    });
    expect(performance.now() - started).toBeLessThan(9_000);
  } finally {
    child.kill();
  }
  await child.exited;
  const stderr = await new Response(child.stderr).text();
  expect(stderr).not.toMatch(/Bun\.serve|idleTimeout/);
}, 30_000);
