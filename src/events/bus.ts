import type { Event, EventInput } from "./types.ts";

export type Sink = (event: Event) => void;

export interface EventBus {
  emit(event: EventInput): Event;
  subscribe(sink: Sink): () => void;
}

/**
 * A synchronous fan-out bus. A sink that throws is reported once on stderr and removed,
 * so one broken sink (a dashboard client, a closed pipe) never stops the engine.
 */
export function createEventBus(now: () => number = Date.now): EventBus {
  const sinks = new Set<Sink>();
  return {
    emit(input) {
      const event = { ...input, time: now() } as Event;
      for (const sink of sinks) {
        try {
          sink(event);
        } catch (error) {
          sinks.delete(sink);
          process.stderr.write(
            `hotreload: an event sink failed and was removed: ${String(error)}\n`,
          );
        }
      }
      return event;
    },
    subscribe(sink) {
      sinks.add(sink);
      return () => sinks.delete(sink);
    },
  };
}
