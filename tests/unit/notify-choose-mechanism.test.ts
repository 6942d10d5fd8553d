import { describe, expect, test } from "bun:test";
import { chooseMechanism, envValue } from "../../src/notify/choose-mechanism.ts";

const onPath =
  (...names: string[]) =>
  (command: string) =>
    names.includes(command) ? `/usr/bin/${command}` : null;

describe("chooseMechanism", () => {
  test("linux with a display and notify-send uses notify-send", () => {
    expect(
      chooseMechanism({
        platform: "linux",
        env: { DISPLAY: ":0" },
        which: onPath("notify-send", "gdbus"),
      }),
    ).toEqual({ ok: true, mechanism: "notify-send", command: "/usr/bin/notify-send" });
  });

  test("linux falls back to gdbus; Wayland or a session bus count as a display", () => {
    for (const env of [
      { WAYLAND_DISPLAY: "wayland-0" },
      { DBUS_SESSION_BUS_ADDRESS: "unix:path=/x" },
    ]) {
      expect(chooseMechanism({ platform: "linux", env, which: onPath("gdbus") })).toEqual({
        ok: true,
        mechanism: "gdbus",
        command: "/usr/bin/gdbus",
      });
    }
  });

  test("linux without any display is off, whatever is installed", () => {
    const choice = chooseMechanism({
      platform: "linux",
      env: { DISPLAY: "", PATH: "/usr/bin" },
      which: onPath("notify-send"),
    });
    expect(choice).toEqual({ ok: false, reason: expect.stringContaining("no graphical session") });
  });

  test("linux with a display but no tool is off and names the packages", () => {
    const choice = chooseMechanism({
      platform: "freebsd",
      env: { DISPLAY: ":0" },
      which: onPath(),
    });
    expect(choice.ok).toBe(false);
    if (!choice.ok) expect(choice.reason).toContain("notify-send (libnotify-bin)");
  });

  test("macOS uses osascript, at its standard path if PATH misses it", () => {
    expect(chooseMechanism({ platform: "darwin", env: {}, which: onPath() })).toEqual({
      ok: true,
      mechanism: "osascript",
      command: "/usr/bin/osascript",
    });
  });

  test("Windows uses Windows PowerShell when present", () => {
    expect(chooseMechanism({ platform: "win32", env: {}, which: onPath("powershell") })).toEqual({
      ok: true,
      mechanism: "powershell",
      command: "/usr/bin/powershell",
    });
    expect(chooseMechanism({ platform: "win32", env: {}, which: onPath() }).ok).toBe(false);
  });

  test("unknown platforms are off", () => {
    expect(
      chooseMechanism({ platform: "aix", env: { DISPLAY: ":0" }, which: onPath("notify-send") }).ok,
    ).toBe(false);
  });
});

test("envValue is case-insensitive on Windows only", () => {
  expect(envValue({ Path: "C:\\bin" }, "PATH", "win32")).toBe("C:\\bin");
  expect(envValue({ Path: "/bin" }, "PATH", "linux")).toBeUndefined();
});
