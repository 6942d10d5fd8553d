/**
 * Fake notifier commands (notify-send, gdbus, …) for integration tests: shell scripts in a
 * temp dir, put first on PATH, that record their argv NUL-separated, one file per call
 * (written, then renamed, so a reader never sees half a call). Dispose with `await using`.
 */
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface RecordedCall {
  /** The name the fake was called as (notify-send, gdbus, …). */
  program: string;
  args: string[];
  pid: number;
}

export interface FakeNotifiers extends AsyncDisposable {
  /** Directory holding the fake commands; use it as PATH. */
  readonly binDir: string;
  /** A scratch directory for the test (e.g. for injection canaries). */
  readonly workDir: string;
  /** Environment naming the record directory; add it to the notifier's env. */
  readonly env: Record<string, string>;
  calls(): Promise<RecordedCall[]>;
  /** Waits until at least `count` calls were recorded; fails showing what was seen. */
  waitForCalls(count: number, timeoutMs?: number): Promise<RecordedCall[]>;
}

// `exec sleep` keeps the recorded pid the one that hangs, for the timeout test.
const SCRIPT = `#!/bin/sh
PATH=/usr/bin:/bin
dir="$FAKE_NOTIFY_RECORD_DIR"
name="call-$(date +%s%N)-$$"
printf '%s\\0' "$(basename "$0")" "$$" "$@" > "$dir/.$name"
mv "$dir/.$name" "$dir/$name"
if [ -n "$FAKE_NOTIFY_SLEEP" ]; then exec sleep "$FAKE_NOTIFY_SLEEP"; fi
exit "\${FAKE_NOTIFY_EXIT:-0}"
`;

export async function createFakeNotifiers(programs: readonly string[]): Promise<FakeNotifiers> {
  const root = await mkdtemp(join(tmpdir(), "hotreload-notify-"));
  const binDir = join(root, "bin");
  const recordDir = join(root, "calls");
  const workDir = join(root, "work");
  await Promise.all([binDir, recordDir, workDir].map((dir) => mkdir(dir)));
  for (const program of programs) {
    const path = join(binDir, program);
    await writeFile(path, SCRIPT);
    await chmod(path, 0o755);
  }

  const calls = async (): Promise<RecordedCall[]> => {
    const names = (await readdir(recordDir)).filter((name) => name.startsWith("call-")).sort();
    return Promise.all(
      names.map(async (name) => {
        const fields = (await readFile(join(recordDir, name), "utf8")).split("\0");
        fields.pop(); // every field ends with NUL, so the last piece is empty
        const [program = "", pid = "0", ...args] = fields;
        return { program, pid: Number(pid), args };
      }),
    );
  };

  return {
    binDir,
    workDir,
    env: { FAKE_NOTIFY_RECORD_DIR: recordDir },
    calls,
    async waitForCalls(count, timeoutMs = 10_000) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const seen = await calls();
        if (seen.length >= count) return seen;
        if (performance.now() > deadline) {
          throw new Error(
            `expected ${count} notifier call(s) within ${timeoutMs} ms, saw ${seen.length}: ${JSON.stringify(seen)}`,
          );
        }
        await Bun.sleep(10); // polling interval of a deadline-bounded wait, not a fixed wait
      }
    },
    async [Symbol.asyncDispose]() {
      await rm(root, { recursive: true, force: true });
    },
  };
}
