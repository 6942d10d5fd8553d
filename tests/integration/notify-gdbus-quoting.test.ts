/**
 * gdbus parses its call arguments as GVariant text, so the notifier quotes title and body.
 * This checks the quoting against the real parser: a private session bus echoes each
 * string back in the error of GetNameOwner, which takes one string argument.
 */
import { expect, test } from "bun:test";
import { gvariantString } from "../../src/notify/notify-argv.ts";

const gdbus = Bun.which("gdbus");
const session = Bun.which("dbus-run-session");

const SAMPLES = [
  "plain text",
  `a "double" and 'single' quote`,
  "back\\slash \\n \\u0041 \\\\",
  "$(touch pwned) `id` ; rm -rf ~ | & > %PATH%",
  "two\nlines\r\nand\ttab and \u001b[31mcolour\u001b[0m",
  "unicode ✓ 日本 😀",
  "-v --help",
  "",
];

test.skipIf(!gdbus || !session)(
  "gvariantString round-trips through the real gdbus parser",
  async () => {
    // The loop passes each literal as "$1"-style argv: nothing is spliced into the script.
    const script = `for a; do gdbus call --session --dest=org.freedesktop.DBus --object-path=/org/freedesktop/DBus --method=org.freedesktop.DBus.GetNameOwner "$a" 2>&1; printf '\\0'; done`;
    const proc = Bun.spawn(
      [session!, "--", "sh", "-c", script, "sh", ...SAMPLES.map(gvariantString)],
      { stdout: "pipe", stderr: "pipe", stdin: "ignore" },
    );
    const timer = setTimeout(() => proc.kill("SIGKILL"), 20_000);
    const [output, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
    clearTimeout(timer);
    expect(code).toBe(0);
    const replies = output.split("\0").slice(0, SAMPLES.length);
    const echoed = replies.map(
      (reply) => reply.match(/Could not get owner of name '([\s\S]*)': no such name/)?.[1] ?? reply,
    );
    expect(echoed).toEqual(SAMPLES);
  },
  30_000,
);

if (!gdbus || !session)
  test.skip("gdbus quoting: skipped, gdbus or dbus-run-session missing", () => {});
