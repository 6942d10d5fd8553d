/**
 * `--help` text, as a CLI should print it: the usage line names `hotreload` (and the
 * command), every flag with its value hint, `-h, --help` and `-v, --version` included,
 * no trailing blanks, and colour only when the caller decided so (never into a pipe, never
 * with --no-color or NO_COLOR: see color.ts). citty's renderUsage colours always and names
 * the command alone ("run [OPTIONS]"), so the text is ours.
 */
import type { ArgDef, ArgsDef } from "citty";

export interface HelpInput {
  /** `run` is the default command: its usage line is plain `hotreload [OPTIONS]`. */
  name: string;
  description: string;
  args: ArgsDef;
  /** Free text after the options (examples, commands). */
  epilogue?: string;
}

const STANDARD: [string, string][] = [
  ["-h, --help", "Show this help"],
  ["-v, --version", "Print the version"],
];

function flagLabel(name: string, def: ArgDef): string {
  const hint =
    def.type === "string" || def.type === "enum"
      ? `=<${"valueHint" in def && def.valueHint ? def.valueHint : name}>`
      : "";
  const aliases = "alias" in def && def.alias ? [def.alias].flat().map((a) => `-${a}, `) : [];
  return `${aliases.join("")}--${name}${hint}`;
}

export function renderHelp(input: HelpInput, color: boolean): string {
  const bold = (text: string) => (color ? `\x1b[1m${text}\x1b[22m` : text);
  const cyan = (text: string) => (color ? `\x1b[36m${text}\x1b[39m` : text);
  const command = input.name === "run" ? "hotreload" : `hotreload ${input.name}`;
  const rows: [string, string][] = [
    ...Object.entries(input.args)
      .filter(([, def]) => def.type !== "positional")
      .map(([name, def]): [string, string] => [flagLabel(name, def), def.description ?? ""]),
    ...STANDARD,
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = [
    input.description,
    "",
    `${bold("USAGE")}  ${cyan(`${command} [OPTIONS]`)}`,
    "",
    bold("OPTIONS"),
    "",
    ...rows.map(([label, text]) =>
      `  ${cyan(label)}${" ".repeat(width - label.length)}  ${text}`.trimEnd(),
    ),
  ];
  if (input.epilogue) lines.push("", input.epilogue);
  return `${lines.join("\n")}\n`;
}
