/**
 * The IO behind the runHook and cancelHook effects: each hook runs through the shell in the
 * root, in its own process group (the builder's spawn, output and cancel), its lines on the
 * bus tagged with the hook's name, and its end reported as a hookDone input.
 */
import { startBuild as startCommand } from "../build/builder.ts";
import type { Clock } from "../clock.ts";
import type { EventBus } from "../events/bus.ts";
import type { HookName } from "../events/types.ts";
import type { Logger } from "../log.ts";
import { killGroupNow } from "../run/process-group.ts";
import type { EngineInput } from "./types.ts";

export interface HookRunnerOptions {
  cwd(): string;
  /** The environment of builds and servers; the hook's own variables are added to it. */
  env(): Record<string, string>;
  /** HOTRELOAD_SERVICE: "default" until there are services. */
  service: string;
  bus: EventBus;
  log: Logger;
  send(input: EngineInput): void;
  clock: Clock;
  /** How long the end of a rule's command (`run`) waits for the files it wrote to arrive. */
  settleMs(): number;
}

export function createHookRunner(options: HookRunnerOptions) {
  const { bus, log, send } = options;
  const running = new Map<number, { pid: number; cancel(): Promise<void> }>();

  const run = (id: number, hook: HookName, command: string, vars: Record<string, string>) => {
    const done = (r: Omit<Extract<EngineInput, { type: "hookDone" }>, "type" | "id">) => {
      running.delete(id);
      if (hook !== "run" || !r.ok) return send({ type: "hookDone", id, ...r });
      options.clock.setTimeout(() => send({ type: "hookDone", id, ...r }), options.settleMs());
    };
    let handle: ReturnType<typeof startCommand>;
    try {
      handle = startCommand({
        command,
        cwd: options.cwd(),
        env: { ...options.env(), ...vars, HOTRELOAD_SERVICE: options.service },
        log,
        label: hook,
        onLine: (line, fd) => bus.emit({ type: "log", stream: "hook", fd, line, hook }),
      });
    } catch (error) {
      log.error(`${hook} \`${command}\` could not run: ${String(error)}`);
      done({ ok: false, exitCode: null, signal: null, durationMs: 0, tail: [String(error)] });
      return;
    }
    running.set(id, { pid: handle.pid, cancel: handle.cancel });
    handle.done.then(
      (r) =>
        done({
          ok: r.ok,
          exitCode: r.exitCode,
          signal: r.signal,
          durationMs: r.durationMs,
          tail: r.tail,
        }),
      (error) => {
        log.error(`${hook} \`${command}\` failed to run: ${String(error)}`);
        done({ ok: false, exitCode: null, signal: null, durationMs: 0, tail: [String(error)] });
      },
    );
  };

  return {
    run,
    cancel(id: number) {
      const hook = running.get(id);
      if (!hook) return;
      log.debug(`stopping hook pid ${hook.pid} (its whole group)`);
      void hook.cancel();
    },
    async cancelAll() {
      await Promise.all([...running.values()].map((h) => h.cancel()));
    },
    killNow() {
      for (const h of running.values()) if (h.pid > 0) killGroupNow(h.pid, log);
    },
  };
}
