import { describe, expect, test } from "bun:test";
import { pidfilePath, stateDir } from "../../src/run/pidfile.ts";
import {
  groupMembers,
  isAlive,
  parseProcStat,
  parsePsOutput,
  procStat,
  startToken,
} from "../../src/run/proc-info.ts";

describe("parseProcStat", () => {
  test("reads state, group, session and start time, even with ) and spaces in the name", () => {
    const line =
      "4242 (my (odd) srv) S 4200 4242 4242 0 -1 4194304 65 112 0 0 0 0 0 0 20 0 1 0 34817 2654208 385";
    expect(parseProcStat(line)).toEqual({
      pid: 4242,
      state: "S",
      ppid: 4200,
      pgid: 4242,
      sid: 4242,
      start: "34817",
    });
  });

  test("returns null for garbage", () => {
    expect(parseProcStat("nonsense")).toBeNull();
    expect(parseProcStat("12 (x) S 1")).toBeNull();
  });
});

describe("parsePsOutput (macOS / BSD ps)", () => {
  test("parses pid, ppid, pgid, state and lstart", () => {
    const text = [
      "    1     0     1 Ss   Mon Nov 25 09:00:01 2024",
      "  812     1   812 S    Mon Nov 25 14:40:12 2024",
      "  813   812   812 Z+   Mon Nov 25 14:40:13 2024",
      "",
    ].join("\n");
    expect(parsePsOutput(text)).toEqual([
      { pid: 1, ppid: 0, pgid: 1, sid: 1, state: "S", start: "Mon Nov 25 09:00:01 2024" },
      { pid: 812, ppid: 1, pgid: 812, sid: 812, state: "S", start: "Mon Nov 25 14:40:12 2024" },
      { pid: 813, ppid: 812, pgid: 812, sid: 812, state: "Z", start: "Mon Nov 25 14:40:13 2024" },
    ]);
  });
});

describe("Windows: no ps, no groups (nothing spawned, no pidfile error at every start)", () => {
  test("a living pid is alive, with no stat, no start token and no group members", () => {
    // PATH without ps: a spawn of `ps` would throw here, as it does on Windows.
    const path = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      expect(procStat(process.pid, "win32")).toBeNull();
      expect(startToken(process.pid, "win32")).toBeNull();
      expect(groupMembers(process.pid, "win32")).toEqual([]);
      expect(isAlive(process.pid, "win32")).toBe(true);
    } finally {
      process.env.PATH = path;
    }
  });
});

describe("state directory (never in the project tree)", () => {
  const home = "/home/ada";
  test("Linux honours XDG_STATE_HOME, else ~/.local/state", () => {
    expect(stateDir({ XDG_STATE_HOME: "/xdg" }, "linux", home)).toBe("/xdg/hotreload");
    expect(stateDir({}, "linux", home)).toBe("/home/ada/.local/state/hotreload");
    expect(stateDir({ XDG_STATE_HOME: "" }, "freebsd", home)).toBe(
      "/home/ada/.local/state/hotreload",
    );
  });

  test("macOS uses Application Support", () => {
    expect(stateDir({ XDG_STATE_HOME: "/xdg" }, "darwin", home)).toBe(
      "/home/ada/Library/Application Support/hotreload",
    );
  });

  test("Windows uses LOCALAPPDATA", () => {
    expect(stateDir({ LOCALAPPDATA: "C:/Users/ada/AppData/Local" }, "win32", home)).toContain(
      "AppData/Local/hotreload",
    );
  });

  test("the pidfile is keyed by the absolute root", () => {
    const a = pidfilePath("/src/app", { XDG_STATE_HOME: "/xdg" }, "linux", home);
    const b = pidfilePath("/other/app", { XDG_STATE_HOME: "/xdg" }, "linux", home);
    expect(a.startsWith("/xdg/hotreload/app-")).toBe(true);
    expect(a.endsWith(".pid.json")).toBe(true);
    expect(a).not.toBe(b);
    expect(pidfilePath("/src/app", { XDG_STATE_HOME: "/xdg" }, "linux", home)).toBe(a);
  });
});
