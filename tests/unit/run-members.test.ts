import { expect, test } from "bun:test";
import type { ProcStat } from "../../src/run/proc-info.ts";
import { selectMembers } from "../../src/run/run-members.ts";

const p = (pid: number, ppid: number, pgid: number, sid: number, state = "S"): ProcStat => ({
  pid,
  ppid,
  pgid,
  sid,
  state,
  start: "1",
});

// hotreload 10 runs leader 100 (group and session 100).
const stats = [
  p(1, 0, 1, 1),
  p(10, 1, 10, 5),
  p(100, 10, 100, 100), // the leader
  p(101, 100, 100, 100), // a grandchild in the group
  p(102, 100, 102, 100), // set -m: own group, same session
  p(103, 100, 103, 103), // setsid child, parent alive
  p(104, 103, 103, 103), // its child
  p(105, 10, 105, 105), // double-forked daemon adopted by hotreload (tagged)
  p(106, 105, 105, 105), // its child
  p(107, 100, 100, 100, "Z"), // a zombie: gone
  p(200, 1, 200, 200), // unrelated
  p(201, 10, 201, 201), // another child of hotreload, untagged (a build of another service)
];
const snapshot = (tagged: number[]) => ({
  stats,
  tagged: (pid: number, tag: string) => tag === "t" && tagged.includes(pid),
});
const pids = (list: ProcStat[]) => list.map((s) => s.pid).sort((a, b) => a - b);

test("group, session, parent links and the tag; never hotreload, zombies or strangers", () => {
  const members = selectMembers({ leader: 100, tag: "t" }, snapshot([105]), 10, true);
  expect(pids(members)).toEqual([100, 101, 102, 103, 104, 105, 106]);
});

test("without sessions (ps): the group and parent links", () => {
  const members = selectMembers({ leader: 100, tag: "t" }, snapshot([]), 10, false);
  expect(pids(members)).toEqual([100, 101, 102, 103, 104]);
});

test("leader 0 (its pid was reused): only tagged processes and their children", () => {
  const members = selectMembers({ leader: 0, tag: "t" }, snapshot([105]), 10, true);
  expect(pids(members)).toEqual([105, 106]);
});

test("since: the environment of a process older than the leader is never read", () => {
  const aged = stats.map((s) => ({ ...s, start: s.pid >= 100 && s.pid < 200 ? "500" : "40" }));
  const asked: number[] = [];
  const members = selectMembers(
    { leader: 100, tag: "t", since: "500" },
    {
      stats: aged,
      tagged: (pid) => {
        asked.push(pid);
        return pid === 105;
      },
    },
    10,
    true,
  );
  expect(pids(members)).toEqual([100, 101, 102, 103, 104, 105, 106]);
  // 1, 10 (hotreload), 200 and 201 started before the leader; the group, the session and
  // the zombie are never asked.
  expect(asked.sort((a, b) => a - b)).toEqual([103, 104, 105, 106]);
});
