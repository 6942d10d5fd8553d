/**
 * The watch pipeline's public face: the engine asks for one stream of confirmed changes.
 */
export { createChangeStream } from "./change-stream.ts";
export type { WatchFactory, WatchHandle } from "./native-watcher.ts";
export type { ChangeBatch, ChangeStream, ChangeStreamOptions } from "./types.ts";
export { createWatchSet, prefixFor } from "./watch-set.ts";
