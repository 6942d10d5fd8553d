/**
 * Several services, one engine each. The supervisor only orders and routes (as Tilt's
 * engine does with its resources): it starts each engine when the start gate says its
 * dependencies meet their conditions, hands each change batch to the engines it concerns,
 * bounds parallel builds with one semaphore, restarts dependents after a swap when asked
 * to, and stops the engines in reverse order. Every decision about one service stays in
 * that service's engine; a failing service never stops another.
 */
import type { Clock, TimerHandle } from "../clock.ts";
import type { ResolvedConfig } from "../config/schema.ts";
import { createEngineLoop, type EngineLoop, type EngineLoopOptions } from "../engine/loop.ts";
import type { ChangeAction, CommandKind } from "../engine/types.ts";
import type { EventBus } from "../events/bus.ts";
import type { Event, EventInput } from "../events/types.ts";
import type { LoggerFactory } from "../log.ts";
import type { ServiceGraph } from "./graph.ts";
import type { ResolvedService } from "./resolve.ts";
import type { RoutedBatch } from "./route.ts";
import { createSemaphore } from "./semaphore.ts";
import { type GateInput, type GateState, gateStep, initialGate } from "./start-gate.ts";

export interface SupervisorOptions {
  services: readonly ResolvedService[];
  graph: ServiceGraph;
  /** The services this run starts (the named ones and their dependencies), in start order. */
  selected: readonly string[];
  maxParallelBuilds: number;
  bus: EventBus;
  logs: LoggerFactory;
  clock: Clock;
  /** Everything an engine loop needs besides its config, bus and build slot. */
  loop: Omit<
    EngineLoopOptions,
    "config" | "bus" | "buildSlot" | "logs" | "clock" | "pidfile" | "envFiles" | "proxy"
  >;
  pidfileOf(name: string): string | undefined;
  /** hotreload's proxy in front of the service's instances, when its proxy is on. */
  proxyOf?(name: string): EngineLoopOptions["proxy"];
  /** The service's live reload (its proxy's pages), when it has one. */
  reloadBrowsersOf?(name: string): EngineLoopOptions["reloadBrowsers"];
  /** The values of the service's env files now (they are watched on their own). */
  envFilesOf?(name: string): (() => Readonly<Record<string, string>>) | undefined;
}

export interface Supervisor {
  readonly names: readonly string[];
  loop(name: string): EngineLoop | undefined;
  /** Opens the gate: services without dependencies start now, the others when theirs are met. */
  start(): void;
  /** Changes for the services they concern; `restart`: env files changed, no build. */
  route(batches: readonly RoutedBatch[], action?: ChangeAction): void;
  /** Resolves once someone asked to quit (`q`, the dashboard, a signal). */
  readonly quitRequested: Promise<void>;
  /** A command for one service, or for every one (quit always stops all, in order). */
  command(command: CommandKind, service?: string): void;
  /** A live config edit: the service's next build and start use `config`. */
  reconfigure(name: string, config: ResolvedConfig): void;
  /** Stops every engine, dependents first; resolves with the exit code. */
  quit(): Promise<number>;
  abort(): Promise<void>;
  killNow(): void;
}

/**
 * The bus as one service sees it: what it emits carries its name, and what it subscribes
 * to is its own events and the run's (the proxy of `api` follows `api` alone).
 */
export function serviceBus(bus: EventBus, service: string): EventBus {
  return {
    subscribe: (sink) =>
      bus.subscribe((event) => {
        if (event.service === undefined || event.service === service) sink(event);
      }),
    emit: (event: EventInput) => bus.emit({ ...event, service } as EventInput),
  };
}

export function createSupervisor(options: SupervisorOptions): Supervisor {
  const { bus, clock, graph, selected } = options;
  const slots = createSemaphore(Math.max(1, options.maxParallelBuilds));
  const byName = new Map(options.services.map((s) => [s.name, s]));
  const loops = new Map<string, EngineLoop>();
  for (const name of selected) {
    const service = byName.get(name) as ResolvedService;
    loops.set(
      name,
      createEngineLoop({
        ...options.loop,
        // A notification names the service: "api: build failed".
        notify: (kind, title, body) => options.loop.notify(kind, `${name}: ${title}`, body),
        config: service.config,
        bus: serviceBus(bus, name),
        logs: options.logs,
        clock,
        buildSlot: slots.acquire,
        pidfile: options.pidfileOf(name),
        envFiles: options.envFilesOf?.(name),
        proxy: options.proxyOf?.(name),
        reloadBrowsers: options.reloadBrowsersOf?.(name),
      }),
    );
  }

  let gate: GateState = initialGate(selected);
  let quitting = false;
  const wakes = new Set<TimerHandle>();
  const starts = new Map<string, number>();

  const feed = (input: GateInput) => {
    if (quitting) return;
    const result = gateStep(graph, gate, input);
    gate = result.state;
    for (const effect of result.effects) {
      if (effect.type === "launch") {
        const loop = loops.get(effect.service);
        // Not inside another engine's emit: the engine starts on its own turn.
        queueMicrotask(() => {
          if (!quitting) loop?.send({ type: "start" });
        });
      } else if (effect.type === "say")
        bus.emit({
          type: "notice",
          level: effect.level,
          tag: "services",
          message: effect.message,
          service: effect.service,
        });
      else {
        const handle = clock.setTimeout(
          () => {
            wakes.delete(handle);
            feed({ type: "tick", now: clock.now() });
          },
          Math.max(0, effect.at - clock.now()),
        );
        wakes.add(handle);
      }
    }
  };

  const onEvent = (event: Event) => {
    const name = event.service;
    if (name === undefined || !loops.has(name)) return;
    const now = clock.now();
    if (event.type === "process.started") feed({ type: "started", service: name, now });
    else if (event.type === "health.ok") feed({ type: "healthy", service: name, now });
    else if (event.type === "process.exited")
      feed({
        type: "exited",
        service: name,
        exitCode: event.signal === null ? event.exitCode : null,
        requested: event.requested,
        now,
      });
    // A swap is done once the new process runs (and is healthy, when it is checked).
    const checked = byName.get(name)?.config.health_check.enabled === true;
    if (event.type === (checked ? "health.ok" : "process.started")) restartDependents(name);
  };

  /** After a swap (not the first start) of a service with restart_dependents. */
  const restartDependents = (name: string) => {
    const count = (starts.get(name) ?? 0) + 1;
    starts.set(name, count);
    if (count === 1 || quitting || !byName.get(name)?.restartDependents) return;
    for (const dependent of graph.dependentsOf(name)) {
      if (!gate.launched.has(dependent)) continue;
      bus.emit({
        type: "notice",
        level: "info",
        tag: "services",
        message: `restarting: ${name}, which it depends on, has a new process`,
        service: dependent,
      });
      queueMicrotask(() => loops.get(dependent)?.send({ type: "command", command: "restart" }));
    }
  };
  const unsubscribe = bus.subscribe(onEvent);
  let requestQuit: () => void = () => {};
  const quitRequested = new Promise<void>((resolve) => {
    requestQuit = resolve;
  });

  return {
    names: selected,
    loop: (name) => loops.get(name),
    start() {
      feed({ type: "begin", now: clock.now() });
    },
    quitRequested,
    route(batches, action) {
      for (const batch of batches) {
        const loop = loops.get(batch.service);
        if (!loop) continue;
        bus.emit({
          type: "changes",
          changes: batch.changes,
          fingerprint: batch.fingerprint,
          service: batch.service,
        });
        // A service still waiting for its dependencies builds the newest tree when it starts.
        if (!gate.launched.has(batch.service)) continue;
        loop.send({
          type: "changes",
          changes: batch.changes,
          fingerprint: batch.fingerprint,
          ...(action ? { action } : {}),
        });
      }
    },
    command(command, service) {
      if (command === "quit") {
        requestQuit();
        return;
      }
      for (const name of service ? [service] : selected) {
        if (!gate.launched.has(name)) continue;
        loops.get(name)?.send({ type: "command", command });
      }
    },
    reconfigure(name, config) {
      const service = byName.get(name);
      if (service) byName.set(name, { ...service, config });
      loops.get(name)?.reconfigure(config);
    },
    async quit() {
      if (!quitting) {
        quitting = true;
        for (const handle of wakes) clock.clearTimeout(handle);
        wakes.clear();
      }
      let code = 0;
      for (const name of graph.stopOrder) {
        const loop = loops.get(name);
        if (!loop) continue;
        loop.send({ type: "command", command: "quit" });
        code = Math.max(code, await loop.exited);
      }
      unsubscribe();
      return code;
    },
    async abort() {
      await Promise.all([...loops.values()].map((l) => l.abort()));
    },
    killNow() {
      for (const loop of loops.values()) loop.killNow();
    },
  };
}
