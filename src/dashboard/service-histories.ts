/**
 * One history per service (history.ts), keyed by `event.service`: with `services:` every
 * engine's events carry their service's name, so each service keeps its own phase, pid,
 * builds and error, and one service's events never overwrite another's. Events without a
 * service (a config without `services:`, or the run's own events) go to the default
 * history, which is what a single-service run has always had. Pure but for the excerpts.
 */

import type { Event } from "../events/types.ts";
import { createBuildExcerpt, type EditorLinkOptions, editorLinks } from "./build-excerpt.ts";
import type { FailureDetails } from "./history.ts";
import {
  createHistory,
  type HistoryState,
  type HistoryView,
  reduceHistory,
  viewOf,
} from "./history.ts";

/** A service as the page lists it: its name and its history (its recent changes trimmed). */
export type ServiceView = HistoryView & { name: string };

/**
 * Each service's recent changes are trimmed to this many batches of this many files (the
 * total stays), so a snapshot, and a message, grows little with each service.
 */
export const SERVICE_CHANGE_BATCHES = 5;
export const SERVICE_CHANGE_FILES = 10;

export interface ServiceHistories {
  /** Records a non-log event in its service's history (or the default one). */
  apply(event: Event): void;
  /** A build output line, for the failing build's excerpt of its service. */
  buildLine(line: string, service: string | undefined): void;
  /** The default history: the single service, or the run's own events with `services:`. */
  view(): HistoryView;
  /** Every service, in the order they were declared (then as first seen); empty without. */
  services(): ServiceView[];
  /** Those of `names` that exist, in declaration order. */
  only(names: ReadonlySet<string>): ServiceView[];
  has(name: string): boolean;
}

export interface ServiceHistoriesOptions {
  /** The services of the run, in start order, with whether each one is probed. */
  services?: readonly { name: string; healthCheck: boolean }[];
  healthCheck?: boolean;
  editor?: (Omit<EditorLinkOptions, "exists"> & { exists(path: string): boolean }) | null;
}

interface Entry {
  state: HistoryState;
  excerpt: ReturnType<typeof createBuildExcerpt>;
}

export function createServiceHistories(options: ServiceHistoriesOptions): ServiceHistories {
  const editor = options.editor ?? null;
  const entry = (healthCheck: boolean): Entry => ({
    state: createHistory({ healthCheck }),
    excerpt: createBuildExcerpt(),
  });
  const main = entry(options.healthCheck ?? true);
  const byName = new Map<string, Entry>();
  for (const s of options.services ?? []) byName.set(s.name, entry(s.healthCheck));

  function entryOf(service: string | undefined): Entry {
    if (service === undefined) return main;
    let found = byName.get(service);
    if (!found) {
      // A service the dashboard was not told about (a test, a live config edit): kept too.
      found = entry(options.healthCheck ?? true);
      byName.set(service, found);
    }
    return found;
  }

  function failureDetails(
    e: Entry,
    event: Extract<Event, { type: "build.finished" }>,
  ): FailureDetails {
    const taken = e.excerpt.take();
    // Output that did not come through the bus (a build that could not spawn) is in the event.
    const kept = taken.head.length > 0 ? taken : { head: [], omitted: 0, tail: [...event.tail] };
    const lines = [...kept.head, ...kept.tail];
    return { ...kept, links: editor ? editorLinks(lines, editor) : [] };
  }

  const named = ([name, e]: [string, Entry]): ServiceView => {
    const view = viewOf(e.state);
    const changes = view.changes
      .slice(-SERVICE_CHANGE_BATCHES)
      .map((batch) =>
        batch.files.length > SERVICE_CHANGE_FILES
          ? { ...batch, files: batch.files.slice(0, SERVICE_CHANGE_FILES) }
          : batch,
      );
    return { name, ...view, changes };
  };

  return {
    apply(event) {
      const e = entryOf(event.service);
      if (event.type === "build.started") e.excerpt.reset();
      const details =
        event.type === "build.finished" && !event.ok ? failureDetails(e, event) : undefined;
      e.state = reduceHistory(e.state, event, details);
    },
    buildLine(line, service) {
      entryOf(service).excerpt.add(line);
    },
    view: () => viewOf(main.state),
    services: () => [...byName].map(named),
    only: (names) => [...byName].filter(([name]) => names.has(name)).map(named),
    has: (name) => byName.has(name),
  };
}
