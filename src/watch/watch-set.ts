/**
 * The root plus the extra `watch` directories as one change stream. Each directory gets a
 * pipeline of its own (same filters, its own .gitignore files and fingerprints); changes in
 * an extra directory are reported relative to the root (`../shared/util.go`), or absolute
 * when that is shorter than climbing out, so a path always says where the file is. The
 * fingerprint of a batch covers every directory.
 */
import { createHash } from "node:crypto";
import { isAbsolute, join, relative, sep } from "node:path";
import type { EventBus } from "../events/bus.ts";
import type { EventInput } from "../events/types.ts";
import { createChangeStream } from "./change-stream.ts";
import { createPathFilter } from "./filter.ts";
import { createRootGuard, type RootGuard } from "./root-guard.ts";
import { readText } from "./tree-walk.ts";
import type { ChangeStream, ChangeStreamOptions } from "./types.ts";

export interface WatchSetOptions extends ChangeStreamOptions {
  /** Absolute paths of extra directories to watch besides `root`. */
  extraRoots: readonly string[];
}

/** How a path under `extra` is named for the user: relative to root when close by. */
export function prefixFor(root: string, extra: string): string {
  const rel = relative(root, extra).split(sep).join("/");
  const climbs = rel.split("/").filter((part) => part === "..").length;
  if (rel === "" || isAbsolute(rel) || climbs > 2) return extra.split(sep).join("/");
  return rel;
}

/** A bus for an extra directory's pipeline: its paths renamed, its readiness kept quiet. */
function renamingBus(bus: EventBus, name: (rel: string) => string): EventBus {
  return {
    subscribe: (sink) => bus.subscribe(sink),
    emit(event: EventInput) {
      if (event.type === "changes.ignored")
        return bus.emit({ ...event, paths: event.paths.map(name) });
      // The root's pipeline announces readiness for all of them.
      if (event.type === "watch.ready" || event.type === "watch.hashed")
        return { ...event, time: Date.now() } as ReturnType<EventBus["emit"]>;
      return bus.emit(event);
    },
  };
}

export async function createWatchSet(options: WatchSetOptions): Promise<ChangeStream> {
  const { root, log } = options;
  const streams: ChangeStream[] = [];
  const combined = (): string => {
    if (streams.length === 1) return (streams[0] as ChangeStream).fingerprint();
    const hash = createHash("sha256");
    for (const stream of streams) hash.update(stream.fingerprint()).update("\0");
    return hash.digest("hex");
  };

  // Extra directories first: once the root's `watch.ready` is out, all of them are armed.
  const rootFilter = createPathFilter(options);
  rootFilter.setGitignore("", readText(join(root, ".gitignore"), log));
  for (const extra of options.extraRoots) {
    const prefix = prefixFor(root, extra);
    const inside = relative(root, extra).split(sep).join("/");
    if (
      !inside.startsWith("..") &&
      !isAbsolute(inside) &&
      rootFilter.reason(inside, true) === null
    ) {
      log.debug(`${extra} is inside the root and watched with it already`);
      continue;
    }
    const name = (rel: string) => `${prefix}/${rel}`;
    log.debug(`also watching ${extra} (changes there are named ${prefix}/…)`);
    streams.push(
      await createChangeStream({
        ...options,
        root: extra,
        bus: renamingBus(options.bus, name),
        onBatch: (batch) =>
          options.onBatch({
            changes: batch.changes.map((c) => ({ ...c, path: name(c.path) })),
            fingerprint: combined(),
            hashes: batch.hashes && new Map([...batch.hashes].map(([p, h]) => [name(p), h])),
          }),
      }),
    );
  }
  // The root's own pipeline, re-armed when the root comes back after being deleted or
  // replaced (a watch on a deleted directory stays deaf); batches while it is gone (the
  // deletions themselves) are dropped: nothing is built or started in a missing directory.
  let guard: RootGuard | null = null;
  // Only the current pipeline's batches count: one armed before a loss is stale.
  let generation = 0;
  const armRoot = (armed = generation) =>
    createChangeStream({
      ...options,
      onBatch: (batch) => {
        if (armed !== generation || (guard && !guard.present())) return;
        options.onBatch({ changes: batch.changes, fingerprint: combined(), hashes: batch.hashes });
      },
    });
  streams.unshift(await armRoot());
  let rearming: Promise<void> = Promise.resolve();
  // Gone again while re-arming (realpath fails): the next look of the guard sees it.
  const rearmFailed = (error: unknown) => log.debug(`re-arming the root watch: ${String(error)}`);
  let closed = false;
  guard = createRootGuard({
    root,
    clock: options.clock,
    log,
    onGone(reason) {
      generation++;
      const old = streams[0] as ChangeStream;
      rearming = rearming.then(() => old.close()).catch(rearmFailed);
      options.bus.emit({ type: "watch.root-gone", root, reason });
      options.onRootGone?.();
    },
    onBack() {
      rearming = rearming
        .then(async () => {
          if (closed) return;
          const fresh = await armRoot(generation);
          if (closed) return void (await fresh.close());
          streams[0] = fresh;
          await fresh.ready;
          options.bus.emit({ type: "watch.root-back", root });
          options.onRootBack?.();
        })
        .catch(rearmFailed);
    },
  });

  return {
    fingerprint: combined,
    ready: Promise.all(streams.map((s) => s.ready)).then(() => undefined),
    mode: () => (streams.some((s) => s.mode() === "poll") ? "poll" : "native"),
    async close() {
      closed = true;
      guard?.close();
      await rearming;
      await Promise.all(streams.map((s) => s.close()));
    },
  };
}
