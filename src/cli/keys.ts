/**
 * Single-key commands when stdin is a terminal: r rebuild, R restart, s stop/start,
 * c clear, q quit (Ctrl-C quits too, since raw mode swallows the signal).
 */
export type Key = "r" | "R" | "s" | "c" | "q" | "ctrl-c";

export function keyFor(byte: number): Key | null {
  switch (byte) {
    case 0x03:
      return "ctrl-c";
    case 0x72:
      return "r";
    case 0x52:
      return "R";
    case 0x73:
      return "s";
    case 0x63:
      return "c";
    case 0x71:
      return "q";
    default:
      return null;
  }
}

export function listenForKeys(options: { onKey(key: Key): void }): { close(): void } {
  const stdin = process.stdin;
  stdin.setRawMode?.(true);
  const onData = (data: Buffer) => {
    for (const byte of data) {
      const key = keyFor(byte);
      if (key) options.onKey(key);
    }
  };
  stdin.on("data", onData);
  stdin.resume();
  return {
    close() {
      stdin.off("data", onData);
      stdin.setRawMode?.(false);
      stdin.pause();
    },
  };
}
