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
import { createFingerprintStore, UNHASHED } from "./fingerprint-store.ts";
import { createIgnoredReport } from "./ignored-report.ts";
import { hashInitial, INITIAL_HASH_SETTLE_MS } from "./initial-hash.ts";
import { createIntake } from "./intake.ts";
import { detectNoEventMount } from "./mountinfo.ts";
import { bunRecursiveWatch, createNativeWatcher, type NativeWatcher } from "./native-watcher.ts";
import { createPollWatcher, type PollWatcher } from "./poll-watcher.ts";
import { scanTree, type WalkResult, walkTree } from "./tree-walk.ts";
import type { ChangeStream, ChangeStreamOptions } from "./types.ts";

const CONFIRM_CONCURRENCY = 8;
/** A file whose ctime is this close to the start may have changed after it (coarse clocks). */
const CTIME_SLACK_MS = 1000;

export async function createChangeStream(options: ChangeStreamOptions): Promise<ChangeStream> {
  const { root, clock, bus, log } = options;
  const started = clock.now();
  // Sub-millisecond wall time: compared with ctimes, which have nanoseconds.
  const startedWall = performance.timeOrigin + performance.now();
  const rootReal = realpathSync(root);
  const filter = createPathFilter(options);
  const store = createFingerprintStore();
  const visitedReal = new Set([rootReal]);
  let closed = false;
  let queue: Promise<void> = Promise.resolve();
  let native: NativeWatcher | null = null;
  let poller: PollWatcher | null = null;
  let mode: "native" | "poll" = options.poll === false ? "native" : "poll";
  /**
   * How old a change must be before the initial hashing trusts a file's bytes: polling
   * sees a change only at its next scan, so while polling the window outlasts two scans.
   */
  const settleMs = () =>
    mode === "native"
      ? INITIAL_HASH_SETTLE_MS
      : INITIAL_HASH_SETTLE_MS +
        2 * (options.poll === false ? DEFAULT_POLL_INTERVAL_MS : options.poll);
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
    const { changes, unchanged, hashes } = await confirmChanges(batch, {
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
    options.onBatch({ changes, fingerprint, hashes });
  }

  /** After new ignore rules: forget files now ignored, learn files now watched. */
  async function reconcile(): Promise<void> {
    if (closed) return;
    const found = new Set<string>();
    scanTree({ ...walkBase(), start: "", loadGitignores: true }, false, (dir, name) =>
      found.add(dir === "" ? name : `${dir}/${name}`),
    );
    let dropped = 0;
    for (const path of store.paths()) {
      if (!found.has(path) && filter.ignores(path, false)) {
        store.delete(path);
        dropped++;
      }
    }
    let added = 0;
    for (const path of found) {
      if (!store.has(path)) {
        store.seed(path);
        added++;
      }
    }
    log.debug(`ignore rules changed: ${dropped} file(s) now ignored, ${added} now watched`);
    if (added > 0) await hashInitial({ root, store, clock, log, settleMs, isClosed: () => closed });
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

  function startPolling(intervalMs: number, baseline: WalkResult): void {
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

  function fallBack(why: FallbackReason, baseline?: WalkResult): void {
    if (fellBack || closed) return;
    fellBack = true;
    mode = "poll";
    native?.close();
    native = null;
    // Shown to the user by the event's sink (terminal, --json, dashboard); said once.
    log.debug(`${why.reason}. ${why.hint}`);
    bus.emit({ type: "watch.fallback", reason: why.reason, hint: why.hint });
    let start = baseline;
    if (start === undefined) {
      // Native events stopped at some point before now: compare what is on disk with
      // what is known, so nothing that changed in between is lost. Files not changed
      // since the start (by ctime) are as known; the others are hashed to confirm. A file
      // not hashed yet has nothing to compare with: it counts only if its ctime is after
      // the start itself.
      const walk = walkTree(
        { ...walkBase(), start: "", loadGitignores: false },
        startedWall - CTIME_SLACK_MS,
      );
      for (const [path, ctimeMs] of walk.changed)
        if (store.hashOf(path) !== UNHASHED || ctimeMs >= startedWall) intake.handle(path);
      for (const path of walk.files.keys()) if (!store.has(path)) intake.handle(path);
      for (const path of store.paths()) if (!walk.files.has(path)) intake.handle(path);
      start = walk;
    }
    startPolling(DEFAULT_POLL_INTERVAL_MS, start);
  }

  function onNativeError(error: Error): void {
    if (closed) return;
    if (isInotifyLimit(error)) {
      fallBack(inotifyLimitReason(log, DEFAULT_POLL_INTERVAL_MS));
      return;
    }
    log.debug(`watch error: ${error.message}`);
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

  // Watches are in place before the walk, so nothing created meanwhile is missed. Native
  // events need no stat of each file (the initial hashing checks ctimes later); polling
  // compares stat signatures, so its first walk takes them.
  const walkOptions = { ...walkBase(), start: "", loadGitignores: true };
  let baseline: WalkResult | null = null;
  let found: { dirs: Set<string>; links: WalkResult["links"] };
  if (pendingFallback !== null || options.poll !== false) {
    baseline = walkTree(walkOptions);
    for (const path of baseline.files.keys()) store.seed(path);
    found = baseline;
  } else {
    found = scanTree(walkOptions, false, (dir, name) => store.seedIn(dir, name));
  }
  for (const link of found.links) {
    intake.noteLink(link.rel, link.real);
    watchLink(link.rel, link.real);
  }
  const dirs = found.dirs.size;
  if (pendingFallback !== null) fallBack(pendingFallback, baseline as WalkResult);
  else if (options.poll !== false) startPolling(options.poll, baseline as WalkResult);
  baseline = null;

  const ms = Math.round(clock.now() - started);
  bus.emit({ type: "watch.ready", mode, dirs, ms });
  log.debug(`watching ${dirs} dirs, ${store.size()} files (${mode}) in ${ms}ms`);

  const ready = hashInitial({ root, store, clock, log, settleMs, isClosed: () => closed }).then(
    ({ hashed, unhashed, ms: hashMs }) => {
      if (closed) return;
      const elapsed = Math.round(hashMs);
      const left = unhashed > 0 ? ` (${unhashed} still changing, left unhashed)` : "";
      log.debug(`initial hashing: ${hashed} files in ${elapsed}ms${left}`);
      // One full collection returns the walk's and the hashing's garbage to the system
      // (about 5 MB of RSS on a 50k-file tree; docs/WATCHING.md, Scale).
      Bun.gc(true);
      bus.emit({ type: "watch.hashed", files: hashed, ms: elapsed });
    },
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
