/**
 * Native events through Bun's recursive `fs.watch`. On Linux, Bun puts one inotify watch on
 * every directory of the tree and adds new directories (created, renamed or moved in) by
 * itself, reporting the files it finds inside them; it does not follow symlinks. So one
 * watch covers the root, and each followed symlinked directory gets a watch of its own,
 * its events mapped back to the path of the link. Only directories are ever watched: an
 * atomic save replaces a file's inode, which would orphan a watch on the file.
 */
import { watch } from "node:fs";

export interface WatchHandle {
  close(): void;
}

/** Starts a recursive watch on `dir`; may throw (e.g. ENOSPC) or report errors later. */
export type WatchFactory = (
  dir: string,
  onEvent: (filename: string | null) => void,
  onError: (error: Error) => void,
) => WatchHandle;

export const bunRecursiveWatch: WatchFactory = (dir, onEvent, onError) => {
  const watcher = watch(dir, { recursive: true }, (_event, filename) =>
    onEvent(filename === null ? null : String(filename)),
  );
  watcher.on("error", onError);
  return { close: () => watcher.close() };
};

export interface NativeWatcher {
  /** Watches the real directory behind the symlinked directory at `rel`. */
  addLink(rel: string, real: string): void;
  removeLinksUnder(rel: string): void;
  watchCount(): number;
  close(): void;
}

export function createNativeWatcher(options: {
  root: string;
  factory: WatchFactory;
  /** A path relative to the root that something happened to ("" = the root itself). */
  onEvent(rel: string): void;
  onError(error: Error): void;
}): NativeWatcher {
  const { factory, onEvent, onError } = options;
  const handles = new Map<string, WatchHandle>();
  let closed = false;
  const guardedError = (error: Error) => {
    if (!closed) onError(error);
  };

  handles.set(
    "",
    factory(
      options.root,
      (name) => {
        if (!closed) onEvent(name ?? "");
      },
      guardedError,
    ),
  );

  return {
    addLink(rel, real) {
      if (closed || handles.has(rel)) return;
      const handle = factory(
        real,
        (name) => {
          if (!closed) onEvent(name ? `${rel}/${name}` : rel);
        },
        guardedError,
      );
      handles.set(rel, handle);
    },
    removeLinksUnder(rel) {
      for (const [key, handle] of handles) {
        if (key !== "" && (key === rel || key.startsWith(`${rel}/`))) {
          handle.close();
          handles.delete(key);
        }
      }
    },
    watchCount: () => handles.size,
    close() {
      closed = true;
      for (const handle of handles.values()) handle.close();
      handles.clear();
    },
  };
}
