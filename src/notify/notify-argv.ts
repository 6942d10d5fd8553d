/**
 * Pure argv builders, one per mechanism. Title and body always travel as their own argv
 * elements (or environment variables on Windows) and are never spliced into a shell line or
 * script text, so a file name or a compiler message cannot run a command.
 */
import type { Mechanism, Notification, NotifyKind } from "./types.ts";

export interface NotifyCommand {
  argv: string[];
  /** Extra environment for the notifier process. */
  env?: Record<string, string>;
}

/** Long enough for a compiler message; short enough to stay far from ARG_MAX. */
export const MAX_TITLE_CHARS = 200;
export const MAX_BODY_CHARS = 1000;

/** NUL cannot travel in argv; overlong text is cut with an ellipsis. */
export function clipText(text: string, max: number): string {
  const clean = text.replaceAll("\0", "");
  const chars = Array.from(clean);
  return chars.length <= max ? clean : `${chars.slice(0, max - 1).join("")}…`;
}

function clipped(n: Notification): { title: string; body: string } {
  return { title: clipText(n.title, MAX_TITLE_CHARS), body: clipText(n.body, MAX_BODY_CHARS) };
}

const ICONS: Record<NotifyKind, string> = {
  "build-failed": "dialog-error",
  "crash-loop": "dialog-error",
  unhealthy: "dialog-warning",
  recovered: "dialog-information",
};

/** Linux/BSD: libnotify's notify-send; `--` ends options, so a body starting with - is text. */
export function notifySendArgv(command: string, n: Notification): NotifyCommand {
  const { title, body } = clipped(n);
  return {
    argv: [
      command,
      "--app-name=hotreload",
      "--urgency=normal",
      `--icon=${ICONS[n.kind]}`,
      "--",
      title,
      body,
    ],
  };
}

/**
 * A GVariant text-format string literal: gdbus parses every call argument as GVariant, so
 * quotes, backslashes and control characters are escaped (checked against real gdbus).
 */
export function gvariantString(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === '"' || char === "\\") out += `\\${char}`;
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += char;
  }
  return `${out}"`;
}

/** Linux/BSD without notify-send: call org.freedesktop.Notifications.Notify over D-Bus. */
export function gdbusArgv(command: string, n: Notification): NotifyCommand {
  const { title, body } = clipped(n);
  return {
    argv: [
      command,
      "call",
      "--session",
      "--dest=org.freedesktop.Notifications",
      "--object-path=/org/freedesktop/Notifications",
      "--method=org.freedesktop.Notifications.Notify",
      gvariantString("hotreload"),
      "uint32 0",
      gvariantString(ICONS[n.kind]),
      gvariantString(title),
      gvariantString(body),
      "@as []",
      "@a{sv} {}",
      "int32 -1",
    ],
  };
}

/**
 * The fixed AppleScript: title and body arrive as the run handler's argv. osascript stops
 * reading options at the first plain argument, and the title is ours and never starts with
 * "-", so the body is never taken for an option.
 */
export const OSASCRIPT_LINES = [
  "on run argv",
  "display notification (item 2 of argv) with title (item 1 of argv)",
  "end run",
] as const;

export function osascriptArgv(command: string, n: Notification): NotifyCommand {
  const { title, body } = clipped(n);
  const safeTitle = title.startsWith("-") ? ` ${title}` : title;
  return { argv: [command, ...OSASCRIPT_LINES.flatMap((line) => ["-e", line]), safeTitle, body] };
}

export const TITLE_ENV = "HOTRELOAD_NOTIFY_TITLE";
export const BODY_ENV = "HOTRELOAD_NOTIFY_BODY";

/**
 * A fixed Windows PowerShell script showing a toast; the text comes from the environment
 * and becomes XML text nodes, so nothing in it is parsed as script or markup. The app id is
 * PowerShell's own, which Windows lets show toasts without registration.
 */
export const POWERSHELL_TOAST_SCRIPT = [
  "$ErrorActionPreference = 'Stop'",
  "[void][Windows.UI.Notifications.ToastNotificationManager, Windows.UI.Notifications, ContentType = WindowsRuntime]",
  "$xml = [Windows.UI.Notifications.ToastNotificationManager]::GetTemplateContent([Windows.UI.Notifications.ToastTemplateType]::ToastText02)",
  "$texts = $xml.GetElementsByTagName('text')",
  `[void]$texts.Item(0).AppendChild($xml.CreateTextNode($env:${TITLE_ENV}))`,
  `[void]$texts.Item(1).AppendChild($xml.CreateTextNode($env:${BODY_ENV}))`,
  "$toast = [Windows.UI.Notifications.ToastNotification]::new($xml)",
  "$appId = '{1AC14E77-02E7-4E5D-B744-2EB1AE5198B7}\\WindowsPowerShell\\v1.0\\powershell.exe'",
  "[Windows.UI.Notifications.ToastNotificationManager]::CreateToastNotifier($appId).Show($toast)",
].join("\n");

/** -EncodedCommand takes base64 of UTF-16LE, which sidesteps Windows command-line quoting. */
export function encodePowerShell(script: string): string {
  return Buffer.from(script, "utf16le").toString("base64");
}

export function powershellArgv(command: string, n: Notification): NotifyCommand {
  const { title, body } = clipped(n);
  return {
    argv: [
      command,
      "-NoProfile",
      "-NonInteractive",
      "-ExecutionPolicy",
      "Bypass",
      "-WindowStyle",
      "Hidden",
      "-EncodedCommand",
      encodePowerShell(POWERSHELL_TOAST_SCRIPT),
    ],
    env: { [TITLE_ENV]: title, [BODY_ENV]: body },
  };
}

export function commandFor(mechanism: Mechanism, command: string, n: Notification): NotifyCommand {
  switch (mechanism) {
    case "notify-send":
      return notifySendArgv(command, n);
    case "gdbus":
      return gdbusArgv(command, n);
    case "osascript":
      return osascriptArgv(command, n);
    case "powershell":
      return powershellArgv(command, n);
  }
}
