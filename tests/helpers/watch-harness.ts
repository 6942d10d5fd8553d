/**
 * Real temp trees and a running change stream for the watch pipeline's integration tests.
 * Everything waits on a condition with a deadline and fails showing what it saw.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createSystemClock } from "../../src/clock.ts";
import { createEventBus } from "../../src/events/bus.ts";
import type { Event, EventType } from "../../src/events/types.ts";
import type { Logger } from "../../src/log.ts";
import {
  type ChangeBatch,
  type ChangeStreamOptions,
  createChangeStream,
} from "../../src/watch/index.ts";

export interface TempTree extends AsyncDisposable {
  root: string;
  path(rel: string): string;
  write(rel: string, content: string): Promise<void>;
}

export async function makeTree(files: Record<string, string> = {}): Promise<TempTree> {
  const root = await mkdtemp(join(tmpdir(), "hotreload-watch-"));
  const tree: TempTree = {
    root,
    path: (rel) => join(root, rel),
    async write(rel, content) {
      await mkdir(dirname(join(root, rel)), { recursive: true });
      await writeFile(join(root, rel), content);
    },
    async [Symbol.asyncDispose]() {
      await rm(root, { recursive: true, force: true });
    },
  };
  for (const [rel, content] of Object.entries(files)) await tree.write(rel, content);
  return tree;
}

export interface StreamHarness extends AsyncDisposable {
  batches: ChangeBatch[];
  events: Event[];
  logs: string[];
  stream: Awaited<ReturnType<typeof createChangeStream>>;
  /** The next batch not yet taken, waiting up to `ms`. */
  nextBatch(ms?: number): Promise<ChangeBatch>;
  waitForEvent<T extends EventType>(
    type: T,
    predicate?: (event: Extract<Event, { type: T }>) => boolean,
    ms?: number,
  ): Promise<Extract<Event, { type: T }>>;
}

async function until<T>(what: string, ms: number, probe: () => T | undefined, seen: () => string) {
  const deadline = performance.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline)
      throw new Error(`timed out after ${ms}ms waiting for ${what}; saw:\n${seen()}`);
    await Bun.sleep(5);
  }
}

export async function startStream(
  root: string,
  overrides: Partial<ChangeStreamOptions> = {},
): Promise<StreamHarness> {
  const batches: ChangeBatch[] = [];
  const events: Event[] = [];
  const logs: string[] = [];
  const bus = createEventBus();
  bus.subscribe((event) => events.push(event));
  const log: Logger = {
    debug: (m) => logs.push(`debug ${m}`),
    info: (m) => logs.push(`info ${m}`),
    warn: (m) => logs.push(`warn ${m}`),
    error: (m) => logs.push(`error ${m}`),
  };
  const stream = await createChangeStream({
    root,
    ext: [],
    ignorePatterns: [],
    alwaysIgnore: [],
    debounceMs: 150,
    debounceMaxMs: 1000,
    poll: false,
    followSymlinks: false,
    clock: createSystemClock(),
    bus,
    log,
    ...overrides,
    onBatch: (batch) => batches.push(batch),
  });
  let taken = 0;
  let eventsTaken = 0;
  const seen = () =>
    [
      `batches: ${JSON.stringify(batches)}`,
      `events: ${events.map((e) => JSON.stringify(e)).join("\n  ")}`,
      `log tail:\n  ${logs.slice(-30).join("\n  ")}`,
    ].join("\n");
  return {
    batches,
    events,
    logs,
    stream,
    async nextBatch(ms = 10_000) {
      const batch = await until("a batch", ms, () => batches[taken], seen);
      taken++;
      return batch;
    },
    async waitForEvent(type, predicate = () => true, ms = 10_000) {
      const found = await until(
        `event ${type}`,
        ms,
        () => {
          for (let i = eventsTaken; i < events.length; i++) {
            const e = events[i] as Event;
            if (e.type === type && predicate(e as never)) {
              eventsTaken = i + 1;
              return e as never;
            }
          }
          return undefined;
        },
        seen,
      );
      return found;
    },
    async [Symbol.asyncDispose]() {
      await stream.close();
    },
  };
}

/** The changes of a batch as sorted "kind path" strings, for readable assertions. */
export function describeBatch(batch: ChangeBatch): string[] {
  return batch.changes.map((c) => `${c.kind} ${c.path}`).sort();
}
