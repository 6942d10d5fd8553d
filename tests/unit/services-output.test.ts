import { describe, expect, test } from "bun:test";
import { prefixLines, servicePrefixes } from "../../src/services/prefix-writer.ts";
import { createSemaphore } from "../../src/services/semaphore.ts";

function sink() {
  const chunks: string[] = [];
  return { chunks, write: (t: string) => chunks.push(t), text: () => chunks.join("") };
}

describe("prefixed lines", () => {
  test("names are padded to the longest and coloured per service", () => {
    const plain = servicePrefixes(["api", "worker"], false);
    expect(plain.get("api")).toBe("api    | ");
    expect(plain.get("worker")).toBe("worker | ");
    const coloured = servicePrefixes(["api", "worker"], true);
    expect(coloured.get("api")).toBe("\x1b[36mapi    | \x1b[0m");
    expect(coloured.get("worker")).toBe("\x1b[33mworker | \x1b[0m");
  });

  const cases: [string, string[], string][] = [
    ["whole lines", ["a\nb\n"], "p| a\np| b\n"],
    ["a line in pieces", ["he", "llo\nwor", "ld\n"], "p| hello\np| world\n"],
    ["an empty line keeps its prefix", ["\n\n"], "p| \np| \n"],
    ["no newline at the end", ["tail"], "p| tail"],
  ];
  for (const [name, writes, expected] of cases)
    test(name, () => {
      const out = sink();
      const w = prefixLines("p| ", out);
      for (const text of writes) w.write(text);
      expect(out.text()).toBe(expected);
    });
});

describe("build slots (max_parallel_builds)", () => {
  test("at most N at once, first come first served, a release frees one slot once", async () => {
    const slots = createSemaphore(2);
    const order: string[] = [];
    const a = await slots.acquire();
    const b = await slots.acquire();
    const c = slots.acquire().then((release) => {
      order.push("c");
      return release;
    });
    const d = slots.acquire().then((release) => {
      order.push("d");
      return release;
    });
    expect(slots.busy()).toBe(2);
    expect(slots.waiting()).toBe(2);
    a();
    a(); // twice: still one slot
    const releaseC = await c;
    expect(order).toEqual(["c"]);
    expect(slots.waiting()).toBe(1);
    b();
    const releaseD = await d;
    expect(order).toEqual(["c", "d"]);
    releaseC();
    releaseD();
    expect(slots.busy()).toBe(0);
  });
});
