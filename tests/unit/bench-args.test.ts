import { expect, test } from "bun:test";
import { parseBenchArgs } from "../../scripts/bench/args.ts";

test("defaults: full run into docs/", () => {
  expect(parseBenchArgs([])).toEqual({ short: false, out: null, only: null, help: false });
});

test("--short, --out FILE and --out=FILE, --only lists", () => {
  expect(parseBenchArgs(["--short", "--out", "/tmp/x.md"])).toMatchObject({
    short: true,
    out: "/tmp/x.md",
  });
  expect(parseBenchArgs(["--out=/tmp/y.md"])).toMatchObject({ out: "/tmp/y.md" });
  expect(parseBenchArgs(["--only", "latency, builds", "--only=survival"])).toMatchObject({
    only: ["latency", "builds", "survival"],
  });
});

test("mistakes are errors that name the flag", () => {
  expect(parseBenchArgs(["--out"])).toEqual({ error: "--out needs a file name" });
  expect(parseBenchArgs(["--only", ","])).toHaveProperty("error");
  expect(parseBenchArgs(["--fast"])).toEqual({ error: "unknown flag --fast" });
});
