/**
 * What a live edit of a config with services asks for. Pure: the services resolved
 * before and after. The same services with the same depends_on: each service gets its own
 * plan (planConfigChange, as for a single service), and the watcher is armed again when
 * any service's filters or the run's watcher settings changed. Services added, removed or
 * re-ordered take effect only when hotreload starts again.
 */
import { type ConfigPlan, planConfigChange } from "../cli/config-plan.ts";
import type { LoadedServices } from "./resolve.ts";

export interface ServicesPlan {
  /** Why nothing is applied (the services or their graph changed), or null. */
  structural: string | null;
  /** Services whose resolved keys changed, with what each needs. */
  services: { name: string; plan: ConfigPlan }[];
  rearmWatcher: boolean;
  /** Keys of the run (or of a service) that take effect only at the next start. */
  notLive: string[];
}

const shape = (loaded: LoadedServices) =>
  JSON.stringify(loaded.services.map((s) => [s.name, s.dependsOn, s.restartDependents]));

export function planServicesChange(
  before: LoadedServices,
  after: LoadedServices,
  selected: readonly string[],
): ServicesPlan {
  if (shape(before) !== shape(after)) {
    const was = before.services.map((s) => s.name);
    const now = after.services.map((s) => s.name);
    const added = now.filter((n) => !was.includes(n));
    const removed = was.filter((n) => !now.includes(n));
    const what = [
      added.length > 0 ? `added ${added.join(", ")}` : "",
      removed.length > 0 ? `removed ${removed.join(", ")}` : "",
    ].filter(Boolean);
    return {
      structural: `the services or their depends_on changed${what.length > 0 ? ` (${what.join("; ")})` : ""}`,
      services: [],
      rearmWatcher: false,
      notLive: [],
    };
  }
  const top = planConfigChange(before.top, after.top);
  const notLive = top.notLive.filter((path) => !path.startsWith("services"));
  if (before.maxParallelBuilds !== after.maxParallelBuilds) notLive.push("max_parallel_builds");
  if (top.moveDashboard) notLive.push("dashboard");
  const services = after.services
    .filter((s) => selected.includes(s.name))
    .map((s) => {
      const was = before.services.find((b) => b.name === s.name);
      return { name: s.name, plan: planConfigChange(was?.config ?? s.config, s.config) };
    })
    .filter((entry) => entry.plan.changed.length > 0);
  return {
    structural: null,
    services,
    rearmWatcher: top.rearmWatcher || services.some((s) => s.plan.rearmWatcher),
    notLive: [...new Set(notLive)],
  };
}
