/**
 * What a dashboard command did, for the page's acknowledgement. The engine runs a command
 * synchronously in its inbox and emits events while doing so; those events are the answer.
 */
import type { Event } from "../events/types.ts";
import type { PageCommand } from "./protocol.ts";

const NOTHING: Record<PageCommand, string> = {
  rebuild: "no build started",
  restart: "nothing to restart",
  stop: "nothing to stop: no server is running",
  start: "nothing to start: already running or building",
  clear: "log cleared",
};

export function commandResult(command: PageCommand, events: readonly Event[]): string {
  const said: string[] = [];
  for (const e of events) {
    if (e.type === "build.cancelled") said.push(`build #${e.seq} cancelled`);
    else if (e.type === "build.started") said.push(`build #${e.seq} started`);
    else if (e.type === "process.stopping") said.push(`stopping pid ${e.pid}`);
    else if (e.type === "process.starting") said.push("starting the server");
    else if (e.type === "crash.backoff") said.push(`restart in ${Math.round(e.delayMs)} ms`);
  }
  return said.length > 0 ? said.join(", ") : NOTHING[command];
}
