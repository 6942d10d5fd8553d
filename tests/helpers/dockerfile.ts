/** A small Dockerfile reader for the tests: stages and their instructions, comments out. */

export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  from: string;
  name: string | null;
  instructions: Instruction[];
}

export function parseDockerfile(text: string): { args: Instruction[]; stages: Stage[] } {
  const lines: string[] = [];
  let pending = "";
  for (const raw of text.split("\n")) {
    if (/^\s*#/.test(raw)) continue;
    const line = raw.replace(/\s+$/, "");
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const full = (pending + line).trim();
    pending = "";
    if (full !== "") lines.push(full);
  }
  const args: Instruction[] = [];
  const stages: Stage[] = [];
  for (const line of lines) {
    const match = /^(\w+)\s+(.*)$/.exec(line);
    if (!match) throw new Error(`not an instruction: ${line}`);
    const instruction = { keyword: (match[1] as string).toUpperCase(), args: match[2] as string };
    if (instruction.keyword === "FROM") {
      const from = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args);
      if (!from) throw new Error(`bad FROM: ${line}`);
      stages.push({ from: from[1] as string, name: from[2] ?? null, instructions: [] });
    } else if (stages.length === 0) {
      args.push(instruction);
    } else {
      (stages.at(-1) as Stage).instructions.push(instruction);
    }
  }
  return { args, stages };
}

/** The values of one keyword in a stage, in order. */
export function valuesOf(stage: Stage, keyword: string): string[] {
  return stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
}
