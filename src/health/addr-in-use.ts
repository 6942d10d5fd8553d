/**
 * Recognises "address already in use" in a server's output, as Node, Bun, Deno, Go,
 * Python (and its servers), Rust and Java print it, and finds the port when the line says
 * it. Pure: one line in, a verdict out.
 */

export type AddrInUse = { port: number | null } | null;

const IN_USE =
  /EADDRINUSE|address already in use|AddrInUse|Errno 98|Errno 48|port \d{1,5} (is )?(already )?in use|Is port \d{1,5} in use|BindException/i;

const PORT_PATTERNS: RegExp[] = [
  // Node: "listen EADDRINUSE: address already in use :::3000" / "127.0.0.1:3000"
  /in use\s+\S*:(\d{1,5})\b/i,
  // Go: "listen tcp :8080: bind: address already in use", "listen tcp 127.0.0.1:8080: bind"
  /listen tcp[46]?\s+\S*:(\d{1,5}):/i,
  // uvicorn: "error while attempting to bind on address ('127.0.0.1', 8000)"
  /\(\s*'[^']*',\s*(\d{1,5})\s*\)/,
  // Bun: "Is port 3000 in use?", werkzeug: "Port 5000 is in use by another program"
  /\bport\s+(\d{1,5})\b/i,
  // Anything else with host:port after "bind"/"listen"
  /(?:bind|listen)\S*\s+\S*:(\d{1,5})\b/i,
];

export function detectAddrInUse(line: string): AddrInUse {
  if (!IN_USE.test(line)) return null;
  for (const pattern of PORT_PATTERNS) {
    const match = pattern.exec(line);
    const port = match ? Number(match[1]) : Number.NaN;
    if (port > 0 && port < 65_536) return { port };
  }
  return { port: null };
}

/** A port named in a line that is not itself the error (werkzeug prints it on the next). */
export function portMentioned(line: string): number | null {
  const match = /\bport\s+(\d{1,5})\b/i.exec(line) ?? /:(\d{2,5})\b/.exec(line);
  const port = match ? Number(match[1]) : Number.NaN;
  return port > 0 && port < 65_536 ? port : null;
}
