/**
 * Picks how to notify on this machine, or says plainly why notifications are off. Pure:
 * the platform, environment and PATH lookup are passed in.
 */
import type { Mechanism } from "./types.ts";

export type Env = Readonly<Record<string, string | undefined>>;

export type MechanismChoice =
  | { ok: true; mechanism: Mechanism; command: string }
  | { ok: false; reason: string };

const FREEDESKTOP: readonly NodeJS.Platform[] = ["linux", "freebsd", "openbsd", "netbsd", "sunos"];

/** Environment lookup, case-insensitive on Windows where `Path` and `PATH` are one variable. */
export function envValue(env: Env, name: string, platform: NodeJS.Platform): string | undefined {
  if (platform !== "win32") return env[name];
  const key = Object.keys(env).find((k) => k.toUpperCase() === name.toUpperCase());
  return key === undefined ? undefined : env[key];
}

/** A graphical session is reachable through X11, Wayland or a session bus. */
export function hasDisplay(env: Env): boolean {
  return ["DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS"].some(
    (name) => (env[name] ?? "") !== "",
  );
}

export function chooseMechanism(options: {
  platform: NodeJS.Platform;
  env: Env;
  which: (command: string) => string | null;
}): MechanismChoice {
  const { platform, env, which } = options;
  if (platform === "darwin") {
    return {
      ok: true,
      mechanism: "osascript",
      command: which("osascript") ?? "/usr/bin/osascript",
    };
  }
  if (platform === "win32") {
    const command = which("powershell");
    if (command) return { ok: true, mechanism: "powershell", command };
    return { ok: false, reason: "Windows PowerShell (powershell.exe) is not on PATH" };
  }
  if (FREEDESKTOP.includes(platform)) {
    if (!hasDisplay(env)) {
      return {
        ok: false,
        reason:
          "no graphical session (DISPLAY, WAYLAND_DISPLAY and DBUS_SESSION_BUS_ADDRESS unset)",
      };
    }
    const notifySend = which("notify-send");
    if (notifySend) return { ok: true, mechanism: "notify-send", command: notifySend };
    const gdbus = which("gdbus");
    if (gdbus) return { ok: true, mechanism: "gdbus", command: gdbus };
    return {
      ok: false,
      reason: "neither notify-send (libnotify-bin) nor gdbus (libglib2.0-bin) is on PATH",
    };
  }
  return { ok: false, reason: `no notification mechanism is known for platform ${platform}` };
}
