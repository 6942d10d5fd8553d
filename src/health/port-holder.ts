/**
 * Who listens on a TCP port. Linux: the listening sockets from /proc/net/tcp and tcp6 (a
 * pure parser), then the process whose /proc/<pid>/fd links to that socket's inode, its
 * command line and working directory. macOS and BSD: `lsof`; Windows: `netstat -ano` and
 * `tasklist` (pid and program, no working directory). The answer is
 * sorted into what a user can act on: hotreload's own listener, a leftover of this
 * project, or another program.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { sep } from "node:path";

export interface ListeningSocket {
  port: number;
  /** Local address as text: `127.0.0.1`, `0.0.0.0`, `::`, `::1` or the raw hex. */
  address: string;
  uid: number;
  inode: number;
}

const LISTEN = "0A";

function ipv4(hex: string): string {
  // /proc prints the address in host byte order, little-endian on the machines we run on.
  const bytes = hex.match(/../g)?.map((b) => Number.parseInt(b, 16)) ?? [];
  return bytes.reverse().join(".");
}

function ipv6(hex: string): string {
  if (/^0+$/.test(hex)) return "::";
  if (hex === "00000000000000000000000001000000") return "::1";
  return hex;
}

/** The LISTEN rows of a /proc/net/tcp or /proc/net/tcp6 text. */
export function parseProcNetTcp(text: string): ListeningSocket[] {
  const sockets: ListeningSocket[] = [];
  for (const line of text.split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    const [local, , state] = [fields[1], fields[2], fields[3]];
    if (!local || state !== LISTEN) continue;
    const [addr, portHex] = local.split(":");
    if (!addr || !portHex) continue;
    sockets.push({
      port: Number.parseInt(portHex, 16),
      address: addr.length === 8 ? ipv4(addr) : ipv6(addr),
      uid: Number(fields[7]),
      inode: Number(fields[9]),
    });
  }
  return sockets;
}

export interface PortHolder {
  pid: number | null;
  /** The command line, arguments joined by spaces. */
  command: string | null;
  cwd: string | null;
  uid: number | null;
}

function readOr(path: string, fallback: string | null): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    // Gone or not ours to read: the caller says what it could not find out.
    return fallback;
  }
}

/** The pid whose open files include socket `inode`, scanning /proc (Linux). */
function ownerOf(inode: number): number | null {
  const target = `socket:[${inode}]`;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      // Another user's process (or one that just exited): its sockets are not visible.
      continue;
    }
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${entry}/fd/${fd}`) === target) return Number(entry);
      } catch {
        // The fd closed while we looked: not the one.
      }
    }
  }
  return null;
}

function linuxHolders(port: number): PortHolder[] {
  const sockets = ["/proc/net/tcp", "/proc/net/tcp6"].flatMap((file) =>
    parseProcNetTcp(readOr(file, "") ?? ""),
  );
  const holders: PortHolder[] = [];
  for (const socket of sockets.filter((s) => s.port === port)) {
    const pid = ownerOf(socket.inode);
    if (holders.some((h) => h.pid === pid && pid !== null)) continue;
    let cwd: string | null = null;
    if (pid !== null) {
      try {
        cwd = readlinkSync(`/proc/${pid}/cwd`);
      } catch {
        // Not ours to look into; the command line may still say enough.
      }
    }
    const cmdline = pid === null ? null : readOr(`/proc/${pid}/cmdline`, null);
    holders.push({
      pid,
      command: cmdline?.split("\0").filter(Boolean).join(" ") || null,
      cwd,
      uid: socket.uid,
    });
  }
  return holders;
}

/** `lsof -F pc` output: `p<pid>` and `c<command>` lines. */
export function parseLsof(text: string): PortHolder[] {
  const holders: PortHolder[] = [];
  for (const line of text.split("\n")) {
    if (line.startsWith("p"))
      holders.push({ pid: Number(line.slice(1)), command: null, cwd: null, uid: null });
    else if (line.startsWith("c") && holders.length > 0)
      (holders[holders.length - 1] as PortHolder).command = line.slice(1);
  }
  return holders;
}

function lsofHolders(port: number): PortHolder[] | null {
  try {
    const result = Bun.spawnSync(["lsof", "-nP", `-iTCP:${port}`, "-sTCP:LISTEN", "-Fpc"], {
      stdout: "pipe",
      stderr: "ignore",
    });
    return parseLsof(result.stdout.toString());
  } catch {
    // No lsof on this system: say that we cannot tell.
    return null;
  }
}

/** The pids `netstat -ano` shows listening on `port` (Windows; any language's headers). */
export function parseNetstat(text: string, port: number): number[] {
  const pids: number[] = [];
  for (const line of text.split(/\r?\n/)) {
    const fields = line.trim().split(/\s+/);
    // TCP  0.0.0.0:3000  0.0.0.0:0  LISTENING  1234 (the state word is translated)
    if (fields[0] !== "TCP" || fields.length < 5) continue;
    const local = fields[1] ?? "";
    const remotePort = (fields[2] ?? "").split(":").at(-1);
    if (Number(local.split(":").at(-1)) !== port || remotePort !== "0") continue;
    const pid = Number(fields.at(-1));
    if (Number.isInteger(pid) && pid > 0 && !pids.includes(pid)) pids.push(pid);
  }
  return pids;
}

/** `tasklist /FO CSV /NH` line: `"node.exe","1234","Console","1","50,000 K"`. */
export function parseTasklistName(text: string): string | null {
  const match = /^"([^"]+)"/.exec(text.trim());
  return match ? (match[1] as string) : null;
}

function windowsHolders(port: number): PortHolder[] | null {
  try {
    const netstat = Bun.spawnSync(["netstat", "-ano", "-p", "TCP"], {
      stdout: "pipe",
      stderr: "ignore",
    });
    return parseNetstat(netstat.stdout.toString(), port).map((pid) => {
      const task = Bun.spawnSync(["tasklist", "/FI", `PID eq ${pid}`, "/FO", "CSV", "/NH"], {
        stdout: "pipe",
        stderr: "ignore",
      });
      return { pid, command: parseTasklistName(task.stdout.toString()), cwd: null, uid: null };
    });
  } catch {
    // No netstat: say that we cannot tell.
    return null;
  }
}

/** Listeners on `port`; null when this system gives no way to find out. */
export function findPortHolders(port: number, platform = process.platform): PortHolder[] | null {
  if (platform === "linux") return linuxHolders(port);
  if (platform === "win32") return windowsHolders(port);
  return lsofHolders(port);
}

export interface OwnListeners {
  pid: number;
  root: string;
  /** Ports hotreload itself listens on, by what they are ("dashboard", "proxy"). */
  ports: Readonly<Record<string, number | null>>;
}

/** One sentence naming who holds `port`, and what to do about it. */
export function describeHolders(
  port: number,
  holders: PortHolder[] | null,
  own: OwnListeners,
): string {
  const ownRole = Object.entries(own.ports).find(([, p]) => p === port)?.[0];
  if (holders === null)
    return ownRole
      ? `port ${port} is hotreload's own ${ownRole}: ${moveHint(ownRole)}`
      : `port ${port} is in use by another program (this system gives no way to tell which)`;
  if (holders.length === 0)
    return `port ${port} was in use, but nothing listens on it now (it may have been a process that just exited)`;
  return holders.map((h) => describeOne(port, h, own, ownRole)).join("; ");
}

function describeOne(
  port: number,
  h: PortHolder,
  own: OwnListeners,
  ownRole: string | undefined,
): string {
  const command = h.command ? ` \`${shorten(h.command)}\`` : "";
  if (h.pid === own.pid)
    return `port ${port} is held by hotreload's own ${ownRole ?? "listener"} (this process, pid ${h.pid}): ${moveHint(ownRole)}`;
  if (h.pid === null)
    return `port ${port} is held by a process hotreload cannot see${h.uid !== null ? ` (user id ${h.uid})` : ""}; try \`sudo ss -ltnp 'sport = :${port}'\``;
  const inProject = h.cwd !== null && (h.cwd === own.root || h.cwd.startsWith(own.root + sep));
  if (inProject)
    return `port ${port} is held by a leftover of this project: pid ${h.pid}${command}, started in ${h.cwd}; stop it (kill ${h.pid}) and save again`;
  return `port ${port} is held by another process: pid ${h.pid}${command}${h.cwd ? ` in ${h.cwd}` : ""}`;
}

function moveHint(role: string | undefined): string {
  if (role === "dashboard")
    return "give the dashboard another port (--dashboard-port, dashboard.port) or the app another one";
  if (role === "proxy")
    return "the proxy owns the public port and gives each instance its own in $PORT (proxy.app_port_env): make the app listen there";
  return "give the app another port";
}

function shorten(command: string): string {
  return command.length > 120 ? `${command.slice(0, 117)}…` : command;
}
