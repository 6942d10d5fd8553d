/**
 * The Homebrew formula: Ruby syntax (`ruby -c`), then evaluated against a minimal stand-in
 * of Homebrew's DSL for each OS × CPU, so the URL, sha256, installed name and `test do`
 * block each platform would get are checked, not just the text.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { archiveName, TARGETS } from "../../scripts/build.ts";
import type { ReleaseInput } from "../../scripts/release/checksums.ts";
import { formulaDescription, homebrewFormula } from "../../scripts/release/homebrew.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const input: ReleaseInput = {
  version: "1.2.3",
  packageName: "@hotreload/cli",
  repo: { owner: "hotreload-dev", name: "hotreload" },
  description: "Hot-reload engine for servers: watch, rebuild, swap.",
  license: "MIT",
  sums: new Map(TARGETS.map((target, i) => [archiveName(target), String(i + 1).repeat(64)])),
};

const DSL = String.raw`
OS_NAME, CPU_NAME, FILE = ARGV
R = {}
class Formula
  class << self
    %i[desc homepage version license url sha256].each do |m|
      define_method(m) { |v = nil| v.nil? ? R[m] : (R[m] = v) }
    end
    def on_macos; yield if OS_NAME == "macos"; end
    def on_linux; yield if OS_NAME == "linux"; end
    def on_arm; yield if CPU_NAME == "arm"; end
    def on_intel; yield if CPU_NAME == "intel"; end
    def test(&block); R[:test] = block; end
  end
  def version; R[:version]; end
  def bin; Bin.new; end
  def shell_output(cmd); R[:ran] = cmd; "hotreload #{R[:version]}\n"; end
  def assert_match(expected, actual); R[:asserted] = expected; raise "no match" unless actual.include?(expected); end
end
class Bin
  def install(*args); R[:install] = args.flat_map { |a| a.is_a?(Hash) ? a.to_a.flatten : [a] }; end
  def to_s; "/prefix/bin"; end
end
module OS; def self.mac?; OS_NAME == "macos"; end; end
module Hardware; module CPU; def self.arm?; CPU_NAME == "arm"; end; end; end
load FILE
formula = Hotreload.new
formula.install
formula.instance_eval(&R[:test])
require "json"
R.delete(:test)
puts JSON.generate(R)
`;

function ruby(args: string[]): { code: number; out: string; err: string } {
  const proc = Bun.spawnSync(["ruby", ...args], { stdout: "pipe", stderr: "pipe" });
  return { code: proc.exitCode, out: proc.stdout.toString(), err: proc.stderr.toString() };
}

describe.skipIf(!Bun.which("ruby"))("homebrew formula", () => {
  const dir = tempDir("hotreload-formula-");
  const formula = dir.write("hotreload.rb", homebrewFormula(input));
  const dsl = dir.write("dsl.rb", DSL);
  afterAll(() => dir[Symbol.dispose]());

  test("is valid Ruby (ruby -c)", () => {
    expect(ruby(["-c", formula])).toEqual({ code: 0, out: "Syntax OK\n", err: "" });
  });

  test.each([
    ["macos", "arm", "hotreload-darwin-arm64.tar.gz"],
    ["macos", "intel", "hotreload-darwin-x64.tar.gz"],
    ["linux", "arm", "hotreload-linux-arm64.tar.gz"],
    ["linux", "intel", "hotreload-linux-x64.tar.gz"],
  ])(
    "%s on %s downloads %s with its sha256, installs hotreload from it, tests --version",
    (os, cpu, asset) => {
      const result = ruby([dsl, os, cpu, formula]);
      expect(result.err).toBe("");
      expect(JSON.parse(result.out)).toEqual({
        desc: "Hot-reload engine for servers: watch, rebuild, swap",
        homepage: "https://github.com/hotreload-dev/hotreload",
        version: "1.2.3",
        license: "MIT",
        url: `https://github.com/hotreload-dev/hotreload/releases/download/v1.2.3/${asset}`,
        sha256: input.sums.get(asset),
        install: ["hotreload"],
        ran: "/prefix/bin/hotreload --version",
        asserted: "hotreload 1.2.3",
      });
    },
  );
});

test("description follows brew audit: no name prefix, no trailing period, under 80", () => {
  expect(formulaDescription("hotreload: Fast reloads.")).toBe("Fast reloads");
  const long = `Hot-reload engine for servers: ${"watch, ".repeat(20)}done.`;
  expect(formulaDescription(long)).toBe("Hot-reload engine for servers");
  expect(formulaDescription("x ".repeat(60)).length).toBeLessThan(80);
});
