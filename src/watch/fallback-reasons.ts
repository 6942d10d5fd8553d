/**
 * The one warning a user sees when native events cannot work, with what to do about it.
 */
import { readFileSync } from "node:fs";
import type { Logger } from "../log.ts";
import type { NoEventMount } from "./mountinfo.ts";

export interface FallbackReason {
  reason: string;
  hint: string;
}

function readProc(path: string, log: Logger): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    // Not Linux, or /proc is not mounted: there is nothing to read, and nothing to detect.
    log.debug(`cannot read ${path}: ${(error as Error).message}`);
    return null;
  }
}

export function readMountInfo(log: Logger): string | null {
  return readProc("/proc/self/mountinfo", log);
}

export function isInotifyLimit(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === "ENOSPC";
}

export function inotifyLimitReason(log: Logger, pollMs: number): FallbackReason {
  const current = readProc("/proc/sys/fs/inotify/max_user_watches", log)?.trim();
  const now = current ? ` (now ${current})` : "";
  return {
    reason: `the inotify watch limit is reached: fs.inotify.max_user_watches${now} is too low for this tree; polling every ${pollMs}ms instead`,
    hint:
      "Raise the limit: `sudo sysctl fs.inotify.max_user_watches=524288`; to keep it after a reboot: " +
      "`echo fs.inotify.max_user_watches=524288 | sudo tee /etc/sysctl.d/60-inotify.conf && sudo sysctl --system`. " +
      "Or point --root at the folder that holds the sources: every directory under the root takes a watch, even an ignored one.",
  };
}

export function noEventMountReason(
  root: string,
  found: NoEventMount,
  pollMs: number,
): FallbackReason {
  const { mount, description } = found;
  return {
    reason: `${root} is on ${description} (${mount.fsType} at ${mount.mountPoint}), which delivers no file events; polling every ${pollMs}ms instead`,
    hint: "Set `poll: 1s` (or `--poll`) to choose the interval and silence this warning, or keep the project on a local disk for instant reloads.",
  };
}

export function nativeFailedReason(error: Error, pollMs: number): FallbackReason {
  return {
    reason: `native file events failed (${error.message}); polling every ${pollMs}ms instead`,
    hint: "Set `poll: 1s` (or `--poll`) to poll from the start.",
  };
}
