/**
 * The watch pipeline: native events (or polls) → filter → debounce → content check →
 * one batch of files that really changed, named by the tree fingerprint after it.
 */
import { realpathSync } from "node:fs";
import { DEFAULT_POLL_INTERVAL_MS } from "../config/schema.ts";
import type { FileChange } from "../events/types.ts";
import { confirmChanges } from "./confirm-changes.ts";
import { createDebouncer } from "./debounce.ts";
import {
  type FallbackReason,
  inotifyLimitReason,
  isInotifyLimit,
  nativeFailedReason,
  noEventMountReason,
  readMountInfo,
} from "./fallback-reasons.ts";
import { createPathFilter } from "./filter.ts";
import { createFingerprintStore } from "./fingerprint-store.ts";
import { createIgnoredReport } from "./ignored-report.ts";
import { hashInitial } from "./initial-hash.ts";
import { createIntake } from "./intake.ts";
import { detectNoEventMount } from "./mountinfo.ts";
import { bunRecursiveWatch, createNativeWatcher, type NativeWatcher } from "./native-watcher.ts";
import { createPollWatcher, type PollWatcher } from "./poll-watcher.ts";
import { walkTree } from "./tree-walk.ts";
import type { ChangeStream, ChangeStreamOptions } from "./types.ts";

const CONFIRM_CONCURRENCY = 8;

export async function createChangeStream(options: ChangeStreamOptions): Promise<ChangeStream> {
  const { root, clock, bus, log } = options;
  const started = clock.now();
  const rootReal = realpathSync(root);
  const filter = createPathFilter(options);
  const store = createFingerprintStore();
  const visitedReal = new Set([rootReal]);
  let closed = false;
  let queue: Promise<void> = Promise.resolve();
  let native: NativeWatcher | null = null;
  let poller: PollWatcher | null = null;
  let mode: "native" | "poll" = options.poll === false ? "native" : "poll";
  let fellBack = false;

  /** Batches are confirmed one after another, so the store always has one history. */
  function enqueue(task: () => Promise<void>): void {
    queue = queue.then(task).catch((error: unknown) => {
      log.error(`watch pipeline failed: ${String(error)}`);
      bus.emit({ type: "watch.error", message: String(error) });
    });
  }

  async function deliver(batch: FileChange[]): Promise<void> {
    if (closed) return;
    const { changes, unchanged } = await confirmChanges(batch, {
      root,
      store,
      log,
      concurrency: CONFIRM_CONCURRENCY,
    });
    if (closed) return;
    if (unchanged.length > 0) {
      bus.emit({ type: "changes.ignored", reason: "content unchanged", paths: unchanged });
      log.debug(`same content, not a change: ${unchanged.join(", ")}`);
    }
    if (changes.length === 0) {
      log.debug(`batch of ${batch.length} event path(s) dropped: no content changed`);
      return;
    }
    const fingerprint = store.fingerprint();
    log.debug(
      `batch: ${changes.map((c) => `${c.kind} ${c.path}`).join(", ")} → ${fingerprint.slice(0, 12)}`,
    );
    options.onBatch({ changes, fingerprint });
  }

  /** After new ignore rules: forget files now ignored, learn files now watched. */
  async function reconcile(): Promise<void> {
    if (closed) return;
    const walk = walkTree({ ...walkBase(), start: "", loadGitignores: true });
    let dropped = 0;
    for (const path of [...store.paths()]) {
      if (!walk.files.has(path) && filter.ignores(path, false)) {
        store.delete(path);
        dropped++;
      }
    }
    let added = 0;
    for (const [path, sig] of walk.files) {
      if (!store.has(path)) {
        store.seed(path, sig);
        added++;
      }
    }
    log.debug(`ignore rules changed: ${dropped} file(s) now ignored, ${added} now watched`);
    if (added > 0) await hashInitial({ root, store, log, isClosed: () => closed });
  }

  const debouncer = createDebouncer({
    clock,
    quietMs: options.debounceMs,
    maxMs: options.debounceMaxMs,
    onFlush: (batch) => enqueue(() => deliver(batch)),
  });
  const ignored = createIgnoredReport({
    clock,
    quietMs: options.debounceMs === "auto" ? 100 : Math.max(options.debounceMs, 100),
    bus,
    log,
  });
  const walkBase = () => ({
    root,
    filter,
    followSymlinks: options.followSymlinks,
    visitedReal,
    log,
  });
  const intake = createIntake({
    ...walkBase(),
    store,
    debouncer,
    onIgnored: (rel, reason) => ignored.add(rel, reason),
    onLink: (rel, real) => watchLink(rel, real),
    onDirGone: (rel) => native?.removeLinksUnder(rel),
    onRulesChanged: () => enqueue(reconcile),
  });

  function watchLink(rel: string, real: string): void {
    try {
      native?.addLink(rel, real);
    } catch (error) {
      onNativeError(error as Error);
    }
  }

  function startPolling(intervalMs: number, baseline: ReturnType<typeof walkTree>): void {
    poller = createPollWatcher({
      root,
      rootReal,
      intervalMs,
      clock,
      filter,
      followSymlinks: options.followSymlinks,
      log,
      baseline,
      onEvent: (rel) => intake.handle(rel),
    });
  }

  function fallBack(why: FallbackReason, baseline?: ReturnType<typeof walkTree>): void {
    if (fellBack || closed) return;
    fellBack = true;
    mode = "poll";
    native?.close();
    native = null;
    log.warn(`${why.reason}. ${why.hint}`);
    bus.emit({ type: "watch.fallback", reason: why.reason, hint: why.hint });
    let start = baseline;
    if (start === undefined) {
      // Native events stopped at some point before now: compare what is on disk with
      // what is known, so nothing that changed in between is lost.
      start = walkTree({ ...walkBase(), start: "", loadGitignores: false });
      for (const [path, sig] of start.files) if (store.get(path)?.sig !== sig) intake.handle(path);
      for (const path of [...store.paths()]) if (!start.files.has(path)) intake.handle(path);
    }
    startPolling(DEFAULT_POLL_INTERVAL_MS, start);
  }

  function onNativeError(error: Error): void {
    if (closed) return;
    if (isInotifyLimit(error)) {
      fallBack(inotifyLimitReason(log, DEFAULT_POLL_INTERVAL_MS));
      return;
    }
    log.warn(`watch error: ${error.message}`);
    bus.emit({ type: "watch.error", message: error.message });
  }

  let pendingFallback: FallbackReason | null = null;
  if (options.poll === false) {
    const mounts = options.mountInfo ?? readMountInfo(log);
    const noEvents = mounts === null ? null : detectNoEventMount(mounts, rootReal);
    if (noEvents !== null) {
      pendingFallback = noEventMountReason(rootReal, noEvents, DEFAULT_POLL_INTERVAL_MS);
    } else {
      try {
        native = createNativeWatcher({
          root,
          factory: options.watchFactory ?? bunRecursiveWatch,
          onEvent: (rel) => intake.handle(rel),
          onError: onNativeError,
        });
      } catch (error) {
        pendingFallback = isInotifyLimit(error)
          ? inotifyLimitReason(log, DEFAULT_POLL_INTERVAL_MS)
          : nativeFailedReason(error as Error, DEFAULT_POLL_INTERVAL_MS);
      }
    }
  }

  // Watches are in place before the walk, so nothing created meanwhile is missed.
  const walk = walkTree({ ...walkBase(), start: "", loadGitignores: true });
  for (const [path, sig] of walk.files) store.seed(path, sig);
  for (const link of walk.links) {
    intake.noteLink(link.rel, link.real);
    watchLink(link.rel, link.real);
  }
  if (pendingFallback !== null) fallBack(pendingFallback, walk);
  else if (options.poll !== false) startPolling(options.poll, walk);

  const ms = Math.round(clock.now() - started);
  bus.emit({ type: "watch.ready", mode, dirs: walk.dirs.size, ms });
  log.debug(`watching ${walk.dirs.size} dirs, ${walk.files.size} files (${mode}) in ${ms}ms`);

  const ready = hashInitial({ root, store, log, isClosed: () => closed }).then(
    ({ hashed, ms: hashMs }) =>
      log.debug(`initial hashing: ${hashed} files in ${Math.round(hashMs)}ms`),
    (error: unknown) => log.debug(`initial hashing stopped: ${String(error)}`),
  );

  return {
    fingerprint: () => store.fingerprint(),
    ready,
    mode: () => mode,
    async close() {
      if (closed) return;
      closed = true;
      debouncer.close();
      ignored.close();
      native?.close();
      poller?.close();
      native = null;
      poller = null;
      await ready;
      await queue;
    },
  };
}
