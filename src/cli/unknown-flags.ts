import type { ArgsDef } from "citty";
import { didYouMean } from "../config/did-you-mean.ts";
import { type HotreloadError, hotreloadError } from "../errors.ts";

const toKebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Finds the first flag no command defines, with a did-you-mean; citty would accept it silently. */
export function checkFlags(
  rawArgs: readonly string[],
  defs: ArgsDef,
  command: string,
): HotreloadError | null {
  const known = new Map<string, string>();
  for (const [name, def] of Object.entries(defs)) {
    if (def.type === "positional") continue;
    known.set(name, def.type ?? "boolean");
    const aliases = "alias" in def && def.alias ? [def.alias].flat() : [];
    for (const alias of aliases) known.set(alias, def.type ?? "boolean");
  }
  known.set("help", "boolean");
  known.set("h", "boolean");
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i] as string;
    if (arg === "--") break;
    if (!arg.startsWith("-") || arg === "-") continue;
    const name = toKebab(arg.replace(/^--?/, "").split("=")[0] as string);
    const bare = name.startsWith("no-") ? name.slice(3) : name;
    const type = known.get(name) ?? known.get(bare);
    if (type === undefined) {
      const guess = didYouMean(
        bare,
        [...known.keys()].filter((k) => k.length > 1),
      );
      return hotreloadError(
        "flag.unknown",
        `Unknown flag ${arg.split("=")[0]} for \`hotreload ${command}\``,
        guess
          ? `Did you mean --${guess}? See \`hotreload ${command} --help\`.`
          : `See \`hotreload ${command} --help\` for the flags.`,
      );
    }
    if (type === "string" && !arg.includes("=") && name !== "poll") i++;
  }
  return null;
}
