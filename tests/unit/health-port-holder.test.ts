import { describe, expect, test } from "bun:test";
import { detectAddrInUse, portMentioned } from "../../src/health/addr-in-use.ts";
import {
  describeHolders,
  parseLsof,
  parseNetstat,
  parseProcNetTcp,
  parseTasklistName,
} from "../../src/health/port-holder.ts";

const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:0BB8 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 41234 1 0000000000000000 100 0 0 10 0
   1: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 555 1 0000000000000000 100 0 0 10 0
   2: 0100007F:8B6F 0100007F:0BB8 01 00000000:00000000 00:00000000 00000000  1000        0 777 1 0000000000000000 20 4 30 10 -1
`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:0BB8 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 999 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000001000000:1388 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1000 1 0000000000000000 100 0 0 10 0
`;

describe("/proc/net/tcp{,6}", () => {
  test("listening sockets with port, address, uid and inode; connections are skipped", () => {
    expect(parseProcNetTcp(TCP)).toEqual([
      { port: 3000, address: "127.0.0.1", uid: 1000, inode: 41234 },
      { port: 8080, address: "0.0.0.0", uid: 0, inode: 555 },
    ]);
    expect(parseProcNetTcp(TCP6)).toEqual([
      { port: 3000, address: "::", uid: 1000, inode: 999 },
      { port: 5000, address: "::1", uid: 1000, inode: 1000 },
    ]);
    expect(parseProcNetTcp("")).toEqual([]);
  });

  test("Windows: netstat -ano listeners on the port, tasklist's program name", () => {
    const netstat = [
      "",
      "Active Connections",
      "",
      "  Proto  Local Address          Foreign Address        State           PID",
      "  TCP    0.0.0.0:3000           0.0.0.0:0              LISTENING       4242",
      "  TCP    [::]:3000              [::]:0                 LISTENING       4242",
      "  TCP    127.0.0.1:3000         127.0.0.1:51000        ESTABLISHED     4242",
      "  TCP    127.0.0.1:51000        127.0.0.1:3000         ESTABLISHED     77",
      "  TCP    0.0.0.0:30000          0.0.0.0:0              ABH\u00d6REN       99",
    ].join("\r\n");
    expect(parseNetstat(netstat, 3000)).toEqual([4242]);
    expect(parseNetstat(netstat, 30000)).toEqual([99]);
    expect(parseTasklistName('"node.exe","4242","Console","1","50,000 K"\r\n')).toBe("node.exe");
    expect(
      parseTasklistName("INFO: No tasks are running which match the specified criteria."),
    ).toBeNull();
  });

  test("lsof -F pc output", () => {
    expect(parseLsof("p123\ncnode\np456\ncpython3\n")).toEqual([
      { pid: 123, command: "node", cwd: null, uid: null },
      { pid: 456, command: "python3", cwd: null, uid: null },
    ]);
  });
});

describe("address already in use, as servers print it", () => {
  const cases: [string, number | null][] = [
    ["Error: listen EADDRINUSE: address already in use :::3000", 3000],
    ["Error: listen EADDRINUSE: address already in use 127.0.0.1:4000", 4000],
    ["error: Failed to start server. Is port 3001 in use?", 3001],
    ["2026/01/01 listen tcp :8080: bind: address already in use", 8080],
    ["listen tcp 127.0.0.1:9000: bind: address already in use", 9000],
    [
      "ERROR:    [Errno 98] error while attempting to bind on address ('127.0.0.1', 8000): address already in use",
      8000,
    ],
    [
      "Port 5000 is in use by another program. Either identify and stop that program, or start the server with a different port.",
      5000,
    ],
    ["OSError: [Errno 98] Address already in use", null],
    ['Os { code: 98, kind: AddrInUse, message: "Address already in use" }', null],
  ];
  for (const [line, port] of cases)
    test(line.slice(0, 60), () => expect(detectAddrInUse(line)).toEqual({ port }));

  test("ordinary lines are not a clash", () => {
    expect(detectAddrInUse("listening on http://localhost:3000")).toBeNull();
    expect(detectAddrInUse("GET /users 200 3ms")).toBeNull();
  });

  test("a port named on a following line", () => {
    expect(portMentioned(" * Running on http://127.0.0.1:5000")).toBe(5000);
    expect(portMentioned("Port 8000 is in use by another program.")).toBe(8000);
    expect(portMentioned("Traceback (most recent call last):")).toBeNull();
  });
});

describe("who holds the port, in one sentence", () => {
  const own = { pid: 100, root: "/work/app", ports: { dashboard: 7357, proxy: null } };
  test("hotreload's own dashboard", () => {
    const text = describeHolders(
      7357,
      [{ pid: 100, command: "hotreload", cwd: "/work/app", uid: 0 }],
      own,
    );
    expect(text).toContain("hotreload's own dashboard (this process, pid 100)");
    expect(text).toContain("--dashboard-port");
  });
  test("a leftover of this project, with pid, command and how to stop it", () => {
    const text = describeHolders(
      3000,
      [{ pid: 4242, command: "node server.js", cwd: "/work/app/api", uid: 0 }],
      own,
    );
    expect(text).toBe(
      "port 3000 is held by a leftover of this project: pid 4242 `node server.js`, started in /work/app/api; stop it (kill 4242) and save again",
    );
  });
  test("another process", () => {
    const text = describeHolders(
      3000,
      [{ pid: 7, command: "python3 -m http.server 3000", cwd: "/srv", uid: 0 }],
      own,
    );
    expect(text).toBe(
      "port 3000 is held by another process: pid 7 `python3 -m http.server 3000` in /srv",
    );
    expect(
      describeHolders(3000, [{ pid: 8, command: "x", cwd: "/work/application", uid: 0 }], own),
    ).toContain("another process");
  });
  test("one we cannot see, none any more, or a system that cannot tell", () => {
    expect(describeHolders(80, [{ pid: null, command: null, cwd: null, uid: 0 }], own)).toContain(
      "cannot see (user id 0)",
    );
    expect(describeHolders(3000, [], own)).toContain("nothing listens on it now");
    expect(describeHolders(3000, null, own)).toContain("no way to tell which");
    expect(describeHolders(7357, null, own)).toContain("hotreload's own dashboard");
    const proxied = { ...own, ports: { dashboard: null, proxy: 8080 } };
    expect(
      describeHolders(
        8080,
        [{ pid: 100, command: "hotreload", cwd: "/work/app", uid: 0 }],
        proxied,
      ),
    ).toContain(
      "hotreload's own proxy (this process, pid 100): the proxy owns the public port and gives each instance its own in $PORT",
    );
  });
});
