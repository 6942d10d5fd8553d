/**
 * When the server says "address already in use", say who holds that port: hotreload's own
 * dashboard or proxy, a leftover process of this project, or another program (pid and
 * command). Listens to the server's output on the bus; says it once per process.
 */
import type { EventBus } from "../events/bus.ts";
import { detectAddrInUse, portMentioned } from "../health/addr-in-use.ts";
import {
  describeHolders,
  findPortHolders,
  type OwnListeners,
  type PortHolder,
} from "../health/port-holder.ts";

export interface PortClashOptions {
  bus: EventBus;
  /** hotreload's own pid, root and listening ports, as they are now. */
  own(): OwnListeners;
  /** Ports the app is configured for (PORT, the health check URL), when its output names none. */
  likelyPorts(): number[];
  lookup?: (port: number) => PortHolder[] | null;
}

export function reportPortClashes(options: PortClashOptions): () => void {
  const { bus } = options;
  const lookup = options.lookup ?? ((port: number) => findPortHolders(port));
  let reported = false;
  let portless = false;

  const report = (port: number) => {
    reported = true;
    portless = false;
    const message = describeHolders(port, lookup(port), options.own());
    bus.emit({ type: "notice", level: "warn", tag: "run", message });
  };

  return bus.subscribe((event) => {
    if (event.type === "process.started") {
      reported = false;
      portless = false;
    } else if (event.type === "log" && event.stream === "app" && !reported) {
      const hit = detectAddrInUse(event.line);
      if (hit?.port != null) return report(hit.port);
      if (hit) portless = true;
      else if (portless) {
        const port = portMentioned(event.line);
        if (port !== null) report(port);
      }
    } else if (event.type === "process.exited" && portless && !reported) {
      const [port] = options.likelyPorts();
      if (port !== undefined) report(port);
      else {
        reported = true;
        bus.emit({
          type: "notice",
          level: "warn",
          tag: "run",
          message:
            "the server says an address is already in use, but not which port; `ss -ltnp` (Linux) or `lsof -iTCP -sTCP:LISTEN` lists who listens where",
        });
      }
    }
  });
}

/** Ports named by the app's PORT variable and the health check URL, in that order. */
export function likelyAppPorts(env: Readonly<Record<string, string>>, healthUrl: string | null) {
  const ports: number[] = [];
  const fromEnv = Number(env.PORT);
  if (Number.isInteger(fromEnv) && fromEnv > 0) ports.push(fromEnv);
  if (healthUrl) {
    try {
      const url = new URL(healthUrl);
      const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
      if (!ports.includes(port)) ports.push(port);
    } catch {
      // A bare path (with the proxy) or a bad URL names no port of its own.
    }
  }
  return ports;
}
