/**
 * Output of several services in one terminal, as docker compose and overmind show it:
 * each line starts with the service's name, padded to the longest name and coloured per
 * service (`api    | listening on :8080`). A write may hold part of a line; the prefix goes
 * before the first byte of every line, however the text is split.
 */
export interface Writer {
  write(text: string): unknown;
}

/** Colours in the order docker compose gives them: cyan, yellow, green, magenta, blue… */
const PALETTE = ["36", "33", "32", "35", "34", "96", "93", "92", "95", "94"] as const;

export function servicePrefixes(names: readonly string[], color: boolean): Map<string, string> {
  const width = Math.max(...names.map((n) => n.length));
  return new Map(
    names.map((name, i) => {
      const text = `${name.padEnd(width)} | `;
      const code = PALETTE[i % PALETTE.length] as string;
      return [name, color ? `\x1b[${code}m${text}\x1b[0m` : text];
    }),
  );
}

export function prefixLines(prefix: string, out: Writer): Writer {
  let atLineStart = true;
  return {
    write(text: string) {
      if (text === "") return out.write(text);
      const parts = text.split("\n");
      let result = "";
      for (const [i, part] of parts.entries()) {
        const last = i === parts.length - 1;
        if (part !== "" || !last) {
          if (atLineStart) result += prefix;
          result += part;
        }
        if (!last) {
          result += "\n";
          atLineStart = true;
        } else atLineStart = part === "" ? atLineStart : false;
      }
      return out.write(result);
    },
  };
}
