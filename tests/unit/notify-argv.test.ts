import { describe, expect, test } from "bun:test";
import {
  BODY_ENV,
  clipText,
  commandFor,
  encodePowerShell,
  gdbusArgv,
  gvariantString,
  MAX_BODY_CHARS,
  notifySendArgv,
  OSASCRIPT_LINES,
  osascriptArgv,
  POWERSHELL_TOAST_SCRIPT,
  powershellArgv,
  TITLE_ENV,
} from "../../src/notify/notify-argv.ts";
import type { Mechanism, Notification } from "../../src/notify/types.ts";

const HOSTILE = [
  "$(touch pwned)",
  "`touch pwned`",
  `"; rm -rf / ; echo "`,
  "'; rm -rf ~; '",
  "line one\nline two\r\n\ttabbed",
  "-v --help",
  "& | > < %PATH% $env:PATH \\ \\\\",
].join(" ");

const hostile: Notification = {
  kind: "build-failed",
  title: 'hotreload: it\'s "bad"',
  body: HOSTILE,
};

describe("notify-send", () => {
  test("title and body are the last two argv elements, after --, verbatim", () => {
    const { argv, env } = notifySendArgv("/usr/bin/notify-send", hostile);
    expect(argv).toEqual([
      "/usr/bin/notify-send",
      "--app-name=hotreload",
      "--urgency=normal",
      "--icon=dialog-error",
      "--",
      hostile.title,
      HOSTILE,
    ]);
    expect(env).toBeUndefined();
  });

  test("recovered uses an information icon", () => {
    const { argv } = notifySendArgv("notify-send", { kind: "recovered", title: "t", body: "b" });
    expect(argv).toContain("--icon=dialog-information");
  });
});

describe("gdbus", () => {
  test("every argument is a typed GVariant literal with the text escaped", () => {
    const { argv } = gdbusArgv("/usr/bin/gdbus", hostile);
    expect(argv.slice(0, 6)).toEqual([
      "/usr/bin/gdbus",
      "call",
      "--session",
      "--dest=org.freedesktop.Notifications",
      "--object-path=/org/freedesktop/Notifications",
      "--method=org.freedesktop.Notifications.Notify",
    ]);
    expect(argv.slice(6)).toEqual([
      '"hotreload"',
      "uint32 0",
      '"dialog-error"',
      gvariantString(hostile.title),
      gvariantString(HOSTILE),
      "@as []",
      "@a{sv} {}",
      "int32 -1",
    ]);
  });

  test("gvariantString escapes quotes, backslashes and control characters only", () => {
    expect(gvariantString('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(gvariantString("x\ny\tz\u007f")).toBe('"x\\u000ay\\u0009z\\u007f"');
    expect(gvariantString("$(x) `y` 'z' ✓")).toBe("\"$(x) `y` 'z' ✓\"");
  });
});

describe("osascript", () => {
  test("the script is fixed and the text arrives as run-handler arguments", () => {
    const { argv } = osascriptArgv("/usr/bin/osascript", hostile);
    expect(argv).toEqual([
      "/usr/bin/osascript",
      "-e",
      "on run argv",
      "-e",
      "display notification (item 2 of argv) with title (item 1 of argv)",
      "-e",
      "end run",
      hostile.title,
      HOSTILE,
    ]);
    for (const line of OSASCRIPT_LINES) expect(line).not.toContain("pwned");
  });

  test("a title starting with - cannot be read as an option", () => {
    const { argv } = osascriptArgv("osascript", { kind: "recovered", title: "-e", body: "-e" });
    expect(argv.slice(-2)).toEqual([" -e", "-e"]);
  });
});

describe("powershell", () => {
  test("the script is fixed and encoded; the text travels in the environment", () => {
    const { argv, env } = powershellArgv("C:\\powershell.exe", hostile);
    expect(argv).toEqual([
      "C:\\powershell.exe",
      "-NoProfile",
      "-NonInteractive",
      "-ExecutionPolicy",
      "Bypass",
      "-WindowStyle",
      "Hidden",
      "-EncodedCommand",
      encodePowerShell(POWERSHELL_TOAST_SCRIPT),
    ]);
    expect(env).toEqual({ [TITLE_ENV]: hostile.title, [BODY_ENV]: HOSTILE });
    const decoded = Buffer.from(argv.at(-1)!, "base64").toString("utf16le");
    expect(decoded).toBe(POWERSHELL_TOAST_SCRIPT);
    expect(decoded).toContain(`$env:${BODY_ENV}`);
    expect(decoded).not.toContain("pwned");
  });
});

describe("clipping", () => {
  test("NUL is removed and overlong text is cut with an ellipsis", () => {
    expect(clipText("a\0b", 10)).toBe("ab");
    expect(clipText("abcdef", 4)).toBe("abc…");
    expect(clipText("abcd", 4)).toBe("abcd");
    expect(clipText("😀😀😀", 2)).toBe("😀…");
  });

  test("every builder clips the body", () => {
    const long: Notification = { kind: "unhealthy", title: "t", body: "x".repeat(5000) };
    const mechanisms: Mechanism[] = ["notify-send", "gdbus", "osascript", "powershell"];
    for (const mechanism of mechanisms) {
      const { argv, env } = commandFor(mechanism, "cmd", long);
      const carriers = [...argv, ...Object.values(env ?? {})].filter((a) => a.includes("xxx"));
      expect(carriers.map((a) => a.replaceAll('"', ""))).toEqual([
        `${"x".repeat(MAX_BODY_CHARS - 1)}…`,
      ]);
    }
  });
});
