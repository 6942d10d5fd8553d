/**
 * Per-file content hashes for change detection. Bun.hash (wyhash, 64-bit) is about ten
 * times faster than SHA-256 here (docs/WATCHING.md); collisions only matter for telling
 * one version of the same file from the next, where the 53 bits kept are plenty (a hash
 * is a plain number, which the store keeps without allocating). Files are read in fixed
 * 1 MiB chunks, each hash seeding the next, so memory stays bounded for any size and the
 * result does not depend on how the kernel splits reads.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { open } from "node:fs/promises";

export const HASH_CHUNK_BYTES = 1 << 20;
/** Up to this size a changed file is read at once, without thread-pool round trips. */
export const SYNC_HASH_MAX_BYTES = 256 << 10;

/** The top 53 bits of a 64-bit wyhash, as a number. */
function toHash(wyhash: number | bigint): number {
  return Number(BigInt.asUintN(64, BigInt(wyhash)) >> 11n);
}

function isMissing(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR" || code === "ELOOP";
}

/**
 * `hashFile` for the hot path (a batch of saved files): a small file is read synchronously,
 * which takes microseconds where four asynchronous steps take a millisecond or more on a
 * busy machine; a larger one goes through `hashFile`. Same result either way.
 */
export async function hashChangedFile(abs: string): Promise<number | null> {
  let fd: number;
  try {
    fd = openSync(abs, "r");
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return null;
    if (stat.size >= SYNC_HASH_MAX_BYTES) return await hashFile(abs);
    // One read past the size tells a file that grew meanwhile: then take the slow path.
    const buffer = Buffer.allocUnsafe(stat.size + 1);
    const bytesRead = readSync(fd, buffer, 0, buffer.length, 0);
    if (bytesRead > stat.size) return await hashFile(abs);
    return toHash(Bun.hash(buffer.subarray(0, bytesRead), 0));
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  } finally {
    closeSync(fd);
  }
}

/**
 * The content hash of a regular file (following symlinks), or null when there is no
 * readable regular file at `abs` (gone, a directory, a socket). Other errors are thrown.
 */
export async function hashFile(abs: string): Promise<number | null> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(abs, "r");
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return null;
    const buffer = Buffer.allocUnsafe(Math.max(1, Math.min(HASH_CHUNK_BYTES, stat.size + 1)));
    let seed: number | bigint = 0;
    let position = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      seed = Bun.hash(buffer.subarray(0, bytesRead), seed);
      position += bytesRead;
      if (bytesRead < buffer.length) break;
    }
    return toHash(seed);
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  } finally {
    await handle.close();
  }
}

/**
 * The initial hashing's fast path: a file smaller than `buffer` is read into it at once,
 * synchronously (no allocation, no thread-pool round trip), and hashed like `hashFile`
 * would; its ctime after reading says whether it changed lately. "large" when the file
 * fills the buffer (hash it with `hashFile`), null when there is no regular file at `abs`.
 * O_NONBLOCK: a FIFO put where a file was fails at once instead of waiting for a writer.
 */
export function hashSmallFileSync(
  abs: string,
  buffer: Buffer,
): { hash: number; ctimeMs: number } | "large" | null {
  let fd: number;
  try {
    fd = openSync(abs, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
  try {
    const bytesRead = readSync(fd, buffer, 0, buffer.length, 0);
    if (bytesRead === buffer.length) return "large";
    const stat = fstatSync(fd);
    if (!stat.isFile()) return null;
    return { hash: toHash(Bun.hash(buffer.subarray(0, bytesRead), 0)), ctimeMs: stat.ctimeMs };
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  } finally {
    closeSync(fd);
  }
}
