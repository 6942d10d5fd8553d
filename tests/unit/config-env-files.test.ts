import { describe, expect, test } from "bun:test";
import {
  describeKeyDiff,
  diffKeys,
  parseEnvText,
  readEnvFiles,
} from "../../src/config/env-files.ts";

describe("env files: dotenv syntax", () => {
  test("quotes, escapes, multiline values, export prefixes and comments", () => {
    const text = [
      "# a comment",
      "PLAIN=value",
      "export EXPORTED=yes",
      "SINGLE='a # not a comment'",
      'DOUBLE="line1\\nline2"',
      'MULTI="first',
      'second"',
      "TRAILING=x # comment",
      "EMPTY=",
      "",
    ].join("\n");
    expect(parseEnvText(text)).toEqual({
      PLAIN: "value",
      EXPORTED: "yes",
      SINGLE: "a # not a comment",
      DOUBLE: "line1\nline2",
      MULTI: "first\nsecond",
      TRAILING: "x",
      EMPTY: "",
    });
  });

  test("later files win; a missing file adds nothing and is reported as missing", () => {
    const texts: Record<string, string> = { "/a.env": "A=1\nB=1\n", "/b.env": "B=2\nC=2\n" };
    const read = (path: string) => {
      const text = texts[path];
      if (text === undefined) throw Object.assign(new Error("ENOENT"), { code: "ENOENT" });
      return text;
    };
    const snapshot = readEnvFiles(["/a.env", "/missing.env", "/b.env"], read);
    expect(snapshot.values).toEqual({ A: "1", B: "2", C: "2" });
    expect(snapshot.files).toEqual([
      { path: "/a.env", keys: ["A", "B"], missing: false, error: null },
      { path: "/missing.env", keys: [], missing: true, error: null },
      { path: "/b.env", keys: ["B", "C"], missing: false, error: null },
    ]);
  });

  test("a diff names keys, never values", () => {
    const diff = diffKeys(
      { A: "secret1", B: "same", C: "gone" },
      { A: "secret2", B: "same", D: "new" },
    );
    expect(diff).toEqual({ added: ["D"], removed: ["C"], changed: ["A"] });
    const text = describeKeyDiff(diff);
    expect(text).toBe("added D; removed C; changed A");
    expect(text).not.toContain("secret");
    expect(describeKeyDiff(diffKeys({ A: "1" }, { A: "1" }))).toBe("no key changed");
  });
});
