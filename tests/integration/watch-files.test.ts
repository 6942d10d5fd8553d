/**
 * watchFiles: named files watched whatever the filters say; a change is new bytes (in
 * place or an atomic rename), an appearance or a removal, with native events and polling.
 */
import { expect, test } from "bun:test";
import { renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { createSystemClock } from "../../src/clock.ts";
import { silentLogger } from "../../src/log.ts";
import { watchFiles } from "../../src/watch/file-watch.ts";
import { tempDir } from "../helpers/temp-dir.ts";

function collect(files: string[], poll: false | number) {
  const seen: string[][] = [];
  const waiters: (() => void)[] = [];
  const watch = watchFiles({
    files,
    clock: createSystemClock(),
    log: silentLogger,
    poll,
    settleMs: 5,
    onChange(changed) {
      seen.push(changed);
      for (const wake of waiters.splice(0)) wake();
    },
  });
  const next = (timeoutMs = 5000) =>
    new Promise<string[]>((resolve, reject) => {
      const count = seen.length;
      const timer = setTimeout(
        () => reject(new Error(`no change within ${timeoutMs} ms; seen ${JSON.stringify(seen)}`)),
        timeoutMs,
      );
      const check = () => {
        if (seen.length > count) {
          clearTimeout(timer);
          resolve(seen[seen.length - 1] as string[]);
        } else waiters.push(check);
      };
      check();
    });
  return { watch, next, seen };
}

for (const poll of [false, 20] as const) {
  test(`${poll === false ? "native events" : "polling"}: edit, identical save, atomic rename, removal, appearance`, async () => {
    using dir = tempDir();
    const env = dir.write(".env", "A=1\n");
    const missing = join(dir.path, ".env.local");
    const { watch, next, seen } = collect([env, missing], poll);
    try {
      let change = next();
      dir.write(".env", "A=2\n");
      expect(await change).toEqual([env]);

      // Same bytes again: no change; the next real edit is the next one reported.
      dir.write(".env", "A=2\n");
      change = next();
      dir.write(".env.tmp", "A=3\n");
      renameSync(join(dir.path, ".env.tmp"), env);
      expect(await change).toEqual([env]);
      expect(seen.length).toBe(2);

      change = next();
      dir.write(".env.local", "B=1\n");
      expect(await change).toEqual([missing]);

      change = next();
      rmSync(missing);
      expect(await change).toEqual([missing]);
    } finally {
      watch.close();
    }
  });
}
