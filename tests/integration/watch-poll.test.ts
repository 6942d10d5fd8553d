import { describe, expect, test } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { WatchFactory } from "../../src/watch/index.ts";
import { describeBatch, makeTree, startStream } from "../helpers/watch-harness.ts";

function enospc(): Error {
  return Object.assign(new Error("ENOSPC: no space left on device, watch '/x'"), {
    code: "ENOSPC",
  });
}

async function createModifyDelete(h: Awaited<ReturnType<typeof startStream>>, root: string) {
  writeFileSync(join(root, "new.go"), "n");
  expect(describeBatch(await h.nextBatch())).toEqual(["create new.go"]);
  writeFileSync(join(root, "main.go"), "changed, and longer");
  expect(describeBatch(await h.nextBatch())).toEqual(["modify main.go"]);
  rmSync(join(root, "new.go"));
  expect(describeBatch(await h.nextBatch())).toEqual(["delete new.go"]);
}

describe("polling", () => {
  test("poll mode sees create, modify and delete; no warning", async () => {
    await using tree = await makeTree({ "main.go": "x", "node_modules/m/a.js": "m" });
    await using h = await startStream(tree.root, { poll: 50 });
    expect(h.events.find((e) => e.type === "watch.ready")).toMatchObject({ mode: "poll" });
    await createModifyDelete(h, tree.root);
    // A new directory with a file inside.
    await tree.write("pkg/sub/a.go", "a");
    expect(describeBatch(await h.nextBatch())).toEqual(["create pkg/sub/a.go"]);
    expect(h.events.filter((e) => e.type === "watch.fallback")).toEqual([]);
  });

  test("ENOSPC when the watch starts: one warning naming the sysctl, then polling", async () => {
    await using tree = await makeTree({ "main.go": "x" });
    const factory: WatchFactory = () => {
      throw enospc();
    };
    await using h = await startStream(tree.root, { watchFactory: factory });
    const fallback = await h.waitForEvent("watch.fallback");
    expect(fallback.reason).toContain("fs.inotify.max_user_watches");
    expect(fallback.hint).toContain("sudo sysctl fs.inotify.max_user_watches=");
    expect(h.events.find((e) => e.type === "watch.ready")).toMatchObject({ mode: "poll" });
    expect(h.stream.mode()).toBe("poll");
    await createModifyDelete(h, tree.root);
    // Said once: the event is the warning (its sink shows it); no second copy in the log.
    expect(h.events.filter((e) => e.type === "watch.fallback")).toHaveLength(1);
    expect(h.logs.filter((l) => l.startsWith("warn"))).toHaveLength(0);
  });

  test("ENOSPC reported while running (as Bun does): one fallback however many errors", async () => {
    await using tree = await makeTree({ "main.go": "x" });
    const closed: string[] = [];
    const factory: WatchFactory = (dir, _onEvent, onError) => {
      queueMicrotask(() => {
        onError(enospc());
        onError(enospc());
      });
      return { close: () => closed.push(dir) };
    };
    await using h = await startStream(tree.root, { watchFactory: factory });
    await h.waitForEvent("watch.fallback");
    expect(closed).toEqual([tree.root]);
    await createModifyDelete(h, tree.root);
    expect(h.events.filter((e) => e.type === "watch.fallback")).toHaveLength(1);
  });

  test("a root on a mount without events (from injected mountinfo) polls, with one warning", async () => {
    await using tree = await makeTree({ "main.go": "x" });
    const real = await Bun.$`realpath ${tree.root}`.text();
    const mountInfo = [
      "27 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw",
      `80 27 0:45 / ${real.trim()} rw,relatime shared:40 - nfs4 server:/export rw,vers=4.2`,
    ].join("\n");
    let factoryCalls = 0;
    await using h = await startStream(tree.root, {
      mountInfo,
      watchFactory: () => {
        factoryCalls++;
        return { close() {} };
      },
    });
    const fallback = await h.waitForEvent("watch.fallback");
    expect(fallback.reason).toContain("NFS (nfs4 at");
    expect(factoryCalls).toBe(0);
    await createModifyDelete(h, tree.root);
  });

  test("an explicit poll interval on such a mount gives no warning", async () => {
    await using tree = await makeTree({ "main.go": "x" });
    const mountInfo = "1 0 0:45 / / rw - nfs server:/ rw";
    await using h = await startStream(tree.root, { mountInfo, poll: 50 });
    writeFileSync(tree.path("main.go"), "y");
    expect(describeBatch(await h.nextBatch())).toEqual(["modify main.go"]);
    expect(h.events.filter((e) => e.type === "watch.fallback")).toEqual([]);
  });
});

/** Unprivileged user namespaces carry their own inotify limits (Linux ≥ 5.x, as root or not). */
function canLowerLimitInNamespace(): boolean {
  if (process.platform !== "linux") return false;
  const probe = Bun.spawnSync([
    "unshare",
    "-U",
    "-r",
    "sh",
    "-c",
    "echo 8 > /proc/sys/user/max_inotify_watches",
  ]);
  return probe.exitCode === 0;
}

test.skipIf(!canLowerLimitInNamespace())(
  "a real inotify limit (8 watches, in a user namespace) falls back to polling",
  async () => {
    await using tree = await makeTree({ "main.go": "x" });
    for (let i = 0; i < 30; i++) await tree.write(`pkg${i}/a.go`, "a");
    const child = Bun.spawn(
      [
        "unshare",
        "-U",
        "-r",
        "sh",
        "-c",
        'echo 8 > /proc/sys/user/max_inotify_watches && exec "$0" "$1" "$2"',
        process.execPath,
        join(import.meta.dir, "../fixtures/watch-limit-child.ts"),
        tree.root,
      ],
      { stdin: "pipe", stdout: "pipe", stderr: "pipe" },
    );
    const lines: string[] = [];
    const pumped = (async () => {
      const decoder = new TextDecoder();
      let buffered = "";
      for await (const chunk of child.stdout) {
        buffered += decoder.decode(chunk, { stream: true });
        const parts = buffered.split("\n");
        buffered = parts.pop() ?? "";
        lines.push(...parts);
      }
    })();
    async function waitForLine(match: (line: string) => boolean, ms = 10_000): Promise<string> {
      const deadline = performance.now() + ms;
      for (;;) {
        const found = lines.find(match);
        if (found) return found;
        if (performance.now() > deadline) {
          throw new Error(`no matching line within ${ms}ms; saw:\n${lines.join("\n")}`);
        }
        await Bun.sleep(10);
      }
    }
    try {
      const fallback = JSON.parse(await waitForLine((l) => l.includes('"watch.fallback"')));
      expect(fallback.reason).toContain("fs.inotify.max_user_watches");
      writeFileSync(tree.path("pkg29/a.go"), "changed");
      const batch = JSON.parse(await waitForLine((l) => l.includes('"batch"')));
      expect(batch.changes).toEqual([{ path: "pkg29/a.go", kind: "modify" }]);
      expect(lines.filter((l) => l.includes('"watch.fallback"'))).toHaveLength(1);
      child.stdin.end();
      expect(await child.exited).toBe(0);
      await pumped;
    } finally {
      child.kill();
    }
  },
  20_000,
);
