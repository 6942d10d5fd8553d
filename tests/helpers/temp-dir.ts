import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** A temp directory removed on dispose: `using dir = tempDir()`. */
export function tempDir(prefix = "hotreload-test-"): {
  path: string;
  write(rel: string, text: string): string;
  [Symbol.dispose](): void;
} {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return {
    path,
    write(rel, text) {
      const file = join(path, rel);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      return file;
    },
    [Symbol.dispose]() {
      rmSync(path, { recursive: true, force: true });
    },
  };
}
