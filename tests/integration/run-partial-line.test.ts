import { expect, test } from "bun:test";
import { silentLogger } from "../../src/log.ts";
import { PARTIAL_LINE_IDLE_MS, pumpLines } from "../../src/run/stream-lines.ts";

test("a prompt without a newline is shown after a short idle, not when the app exits", async () => {
  const child = Bun.spawn(["sh", "-c", "printf 'name? '; exec sleep 30"], { stdout: "pipe" });
  try {
    const started = performance.now();
    const line = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no partial line within 5 s")), 5000);
      pumpLines(
        child.stdout,
        "stdout",
        (text) => {
          clearTimeout(timer);
          resolve(text);
        },
        silentLogger,
      );
    });
    expect(line).toBe("name? ");
    expect(performance.now() - started).toBeGreaterThanOrEqual(PARTIAL_LINE_IDLE_MS - 5);
    expect(child.exitCode).toBeNull();
  } finally {
    child.kill("SIGKILL");
    await child.exited;
  }
});
