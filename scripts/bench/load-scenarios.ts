/** Loads every scripts/bench/scenario-*.ts module; a module that fails becomes a failed section. */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { Scenario, Section } from "./types.ts";

export function scenarioFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => /^scenario-[\w-]+\.ts$/.test(name))
    .sort();
}

/** A stand-in for a module that did not load or does not export `scenario`. */
export function brokenScenario(file: string, problem: string): Scenario {
  const id = file.replace(/^scenario-/, "").replace(/\.ts$/, "");
  return {
    order: 1000,
    id,
    run: async () => failedSection(id, `scripts/bench/${file} did not load: ${problem}`),
  };
}

export function failedSection(id: string, problem: string): Section {
  return {
    title: `Scenario ${id}`,
    intro: "This scenario failed before it could measure anything.",
    tables: [],
    notes: [`\`\`\`\n${problem}\n\`\`\``],
    ok: false,
  };
}

export async function loadScenarios(dir: string): Promise<Scenario[]> {
  const scenarios: Scenario[] = [];
  for (const file of scenarioFiles(dir)) {
    try {
      const module = (await import(join(dir, file))) as { scenario?: Scenario };
      const scenario = module.scenario;
      if (scenario && typeof scenario.run === "function" && typeof scenario.id === "string")
        scenarios.push(scenario);
      else scenarios.push(brokenScenario(file, "no `export const scenario: Scenario`"));
    } catch (error) {
      // A half-written module must not stop the other scenarios: it becomes a failed section.
      scenarios.push(brokenScenario(file, String(error)));
    }
  }
  return scenarios.sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
}
