/**
 * Token hand-over between runs. Each run has a fresh random token; a page left open while
 * hotreload restarts still holds the previous one. At start the dashboard writes its token
 * to a 0600 file in the user's state directory (keyed by project root); the next run reads
 * it first and, for a limited window after its own start, accepts that previous token for
 * the websocket upgrade only. That socket's snapshot carries the new token, which the page
 * swaps in; the old token never grants an action.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { rootKey } from "../config/dirs.ts";
import type { Logger } from "../log.ts";
import { stateDir } from "../run/pidfile.ts";
import { tokensEqual } from "./guards.ts";

/** How long after a start the previous run's token still opens a websocket. */
export const HANDOVER_WINDOW_MS = 10 * 60_000;

type Env = Record<string, string | undefined>;

export interface TokenRecord {
  token: string;
  port: number;
  pid: number;
  /** Epoch ms. */
  writtenAt: number;
}

/** `<state dir>/<root key>.dashboard.json`, beside the pidfile. */
export function tokenFilePath(root: string, env: Env = process.env): string {
  return join(stateDir(env), `${rootKey(root)}.dashboard.json`);
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{16,256}$/;

/**
 * The previous run's token, or null when there is none or the file cannot be trusted
 * (readable or writable by others, owned by someone else, malformed).
 */
export function readPreviousToken(path: string, log: Logger): string | null {
  let text: string;
  try {
    const stat = statSync(path);
    if (process.platform !== "win32") {
      const uid = process.getuid?.();
      if ((stat.mode & 0o077) !== 0 || (uid !== undefined && stat.uid !== uid)) {
        log.warn(`ignoring the dashboard token file ${path}: it must be private (mode 0600)`);
        return null;
      }
    }
    text = readFileSync(path, "utf8");
  } catch (error) {
    // No file is the normal first start; any other read failure only costs the hand-over.
    if ((error as NodeJS.ErrnoException).code !== "ENOENT")
      log.debug(`cannot read the dashboard token file ${path}: ${String(error)}`);
    return null;
  }
  try {
    const record = JSON.parse(text) as Partial<TokenRecord>;
    return typeof record.token === "string" && TOKEN_SHAPE.test(record.token) ? record.token : null;
  } catch (error) {
    // A truncated or foreign file holds no usable token: start without a hand-over.
    log.debug(`ignoring an unreadable dashboard token file ${path}: ${String(error)}`);
    return null;
  }
}

/** Atomic, private write (temp file 0600 + rename). Failure only costs the next hand-over. */
export function writeTokenFile(path: string, record: TokenRecord, log: Logger): boolean {
  const temp = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(temp, `${JSON.stringify(record)}\n`, { mode: 0o600 });
    chmodSync(temp, 0o600);
    renameSync(temp, path);
    return true;
  } catch (error) {
    log.warn(
      `cannot write the dashboard token file ${path} (${String(error)}); an open page will not reconnect by itself after a restart`,
    );
    return false;
  }
}

export interface Handover {
  /** True when `given` is the previous run's token and the window is still open. */
  accepts(given: string, now: number): boolean;
}

/** Pure: `now` and `startedAt` come from the same (injected) clock. */
export function createHandover(options: {
  previous: string | null;
  current: string;
  startedAt: number;
  windowMs?: number;
}): Handover {
  const { previous, current, startedAt } = options;
  const windowMs = options.windowMs ?? HANDOVER_WINDOW_MS;
  return {
    accepts(given, now) {
      if (previous === null || previous === current) return false;
      if (now < startedAt || now - startedAt > windowMs) return false;
      return tokensEqual(given, previous);
    },
  };
}
