import { describe, expect, test } from "bun:test";
import { dueAt, dueBy, nextDue, versionOf } from "../../scripts/bench/open-loop.ts";

describe("the open-loop schedule", () => {
  test("request i is due at i × 1000 / rate; the first at once", () => {
    expect(dueBy(0, 200)).toBe(1);
    expect(dueBy(4.99, 200)).toBe(1);
    expect(dueBy(5, 200)).toBe(2);
    expect(dueBy(1000, 200)).toBe(201);
    expect(dueAt(0, 200)).toBe(0);
    expect(dueAt(7, 200)).toBe(35);
  });

  test("rates that do not divide a second keep their count (no float shortfall)", () => {
    expect(dueBy(1000, 3)).toBe(4);
    expect(dueBy(3000, 3)).toBe(10);
    expect(dueBy(999.9, 3)).toBe(3);
  });

  test("nothing is due before the start or at a zero rate", () => {
    expect(dueBy(-1, 200)).toBe(0);
    expect(dueBy(100, 0)).toBe(0);
    expect(nextDue(0, 100, 0)).toEqual([]);
  });

  test("a late timer sends everything that fell due meanwhile, each with its own due time", () => {
    // Ticks as a loaded machine delivers them: on time, then a 50 ms stall, then on time.
    const rate = 200;
    let sent = 0;
    const batches: number[][] = [];
    for (const elapsed of [0, 1, 2, 5, 55, 56, 60]) {
      const due = nextDue(sent, elapsed, rate);
      batches.push(due);
      sent += due.length;
    }
    expect(batches).toEqual([[0], [], [], [1], [2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [], [12]]);
    expect(batches[4]?.map((i) => dueAt(i, rate))).toEqual([
      10, 15, 20, 25, 30, 35, 40, 45, 50, 55,
    ]);
  });

  test("the rate holds over a long run whatever the tick spacing", () => {
    let sent = 0;
    for (let elapsed = 0; elapsed <= 10_000; elapsed += 1 + (elapsed % 7))
      sent += nextDue(sent, elapsed, 200).length;
    sent += nextDue(sent, 10_000, 200).length;
    expect(sent).toBe(2001);
  });
});

test("the version an example's answer names", () => {
  expect(versionOf("Server running - version 2.0.17\n")).toBe("2.0.17");
  expect(versionOf("slow answer after 5000 ms - version 1.0.0\n")).toBe("1.0.0");
  expect(versionOf("hotreload: api is building")).toBeNull();
});
