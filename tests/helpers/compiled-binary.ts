/**
 * The compiled binary for this machine, built at most once per source state: the build is
 * cached under the temp dir by a hash of src/, package.json, scripts/build.ts and the Bun
 * version, so the second test file (and the next run with no source change) reuses it.
 * `HOTRELOAD_TEST_BINARY=<path>` tests an already-built binary instead (the release
 * workflow tests the binary unpacked from the very archive it uploads).
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { binaryName, compile, hostTarget } from "../../scripts/build.ts";

const top = join(import.meta.dir, "..", "..");
const cacheRoot = join(tmpdir(), "hotreload-test-binary");

function sourceHash(): string {
  const hasher = new Bun.CryptoHasher("sha256");
  hasher.update(Bun.version);
  const files = [
    ...new Bun.Glob("src/**/*").scanSync({ cwd: top }),
    "package.json",
    "scripts/build.ts",
  ].sort();
  for (const rel of files) {
    hasher.update(rel);
    hasher.update(readFileSync(join(top, rel)));
  }
  return hasher.digest("hex").slice(0, 16);
}

/** Absolute path of the host binary, building it when the cache has none for these sources. */
export async function compiledBinary(): Promise<string> {
  const given = process.env.HOTRELOAD_TEST_BINARY;
  if (given) {
    const path = resolve(top, given);
    if (!existsSync(path)) throw new Error(`HOTRELOAD_TEST_BINARY=${given}: no such file`);
    return path;
  }
  const name = binaryName(hostTarget()[0]);
  const hash = sourceHash();
  const cached = join(cacheRoot, hash, name);
  if (existsSync(cached)) return cached;
  // Build beside the final place and rename: a concurrent run never sees half a binary.
  const partial = join(cacheRoot, `${hash}.${process.pid}.partial`, name);
  mkdirSync(dirname(partial), { recursive: true });
  try {
    await compile(hostTarget()[0], partial);
    mkdirSync(dirname(cached), { recursive: true });
    renameSync(partial, cached);
  } finally {
    rmSync(dirname(partial), { recursive: true, force: true });
  }
  // Keep one build: older source states are 100 MiB each.
  for (const entry of readdirSync(cacheRoot)) {
    if (entry !== hash && !entry.includes(".partial"))
      rmSync(join(cacheRoot, entry), { recursive: true, force: true });
  }
  return cached;
}

/** Copies the binary into `dir` (an empty temp dir, no node_modules above it) as `hotreload`. */
export async function binaryIn(dir: string): Promise<string> {
  const target = join(dir, process.platform === "win32" ? "hotreload.exe" : "hotreload");
  copyFileSync(await compiledBinary(), target);
  return target;
}
