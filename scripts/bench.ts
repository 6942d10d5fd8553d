/**
 * `bun run bench`: save-to-restart latency of hotreload beside the tools users would pick
 * instead (entr, reflex, nodemon when installed) and a hand-rolled kill-and-restart loop as
 * the floor, alternating tools each round so machine drift hits all alike. Writes
 * docs/PERFORMANCE.md. `--short` (CI) runs two rounds and checks the suite works, not speed.
 *
 * The "server" prints `version N` and sleeps; latency is the time from the write of a new
 * version to the line from the new process. Only processes this script started are ended,
 * by their ids.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { median, percentile, ratio } from "./bench-stats.ts";

const top = join(import.meta.dir, "..");
const short = process.argv.includes("--short");
const rounds = short ? 2 : 15;
const deadlineMs = 10_000;

interface Tool {
  name: string;
  available: boolean;
  note: string;
  argv(dir: string): string[];
}

const APP = "sh app.sh";
const tools: Tool[] = [
  {
    name: "floor (fs.watch + kill + spawn)",
    available: true,
    note: "hand-rolled minimum",
    argv: (dir) => [process.execPath, join(import.meta.dir, "bench-floor.ts"), dir],
  },
  {
    name: "hotreload",
    available: true,
    note: "default debounce",
    argv: () => [
      process.execPath,
      join(top, "src", "main.ts"),
      "--exec",
      APP,
      "--ext",
      ".sh",
      "--no-notifications",
      "--no-color",
    ],
  },
  {
    name: "entr",
    available: Bun.which("entr") !== null,
    note: "apt: entr",
    argv: () => ["sh", "-c", `echo app.sh | entr -n -r ${APP}`],
  },
  {
    name: "reflex",
    available: Bun.which("reflex") !== null,
    note: "apt: reflex",
    argv: () => ["reflex", "-s", "-g", "app.sh", "--", "sh", "app.sh"],
  },
  {
    name: "nodemon",
    available: Bun.which("nodemon") !== null,
    note: "npm i -g nodemon",
    argv: () => ["nodemon", "--watch", "app.sh", "--exec", APP],
  },
];

async function measure(tool: Tool): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), "hotreload-bench-"));
  const script = (n: number) => `echo "version ${n}"; exec sleep 300\n`;
  writeFileSync(join(dir, "app.sh"), script(0));
  const proc = Bun.spawn(tool.argv(dir), {
    cwd: dir,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    detached: true,
    env: {
      ...process.env,
      XDG_STATE_HOME: join(dir, ".state"),
      XDG_CACHE_HOME: join(dir, ".cache"),
    },
  });
  const seen = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of proc.stdout) {
      buffer += decoder.decode(chunk, { stream: true });
      for (let i = buffer.indexOf("\n"); i >= 0; i = buffer.indexOf("\n")) {
        // reflex prefixes its service output with "[00] ".
        const line = buffer
          .slice(0, i)
          .trim()
          .replace(/^\[\d+\] /, "");
        buffer = buffer.slice(i + 1);
        if (!seen.has(line)) seen.set(line, performance.now());
        waiters.get(line)?.();
      }
    }
  })();
  const waitLine = (line: string) =>
    new Promise<number>((resolve, reject) => {
      const done = () => resolve(seen.get(line) as number);
      if (seen.has(line)) return done();
      waiters.set(line, done);
      setTimeout(
        () => reject(new Error(`${tool.name}: no "${line}" within ${deadlineMs} ms`)),
        deadlineMs,
      );
    });
  const samples: number[] = [];
  try {
    await waitLine("version 0");
    // Let the tool finish its start-up scan before the first timed save.
    await Bun.sleep(300);
    for (let n = 1; n <= 3; n++) {
      const start = performance.now();
      writeFileSync(join(dir, "app.sh"), script(n));
      samples.push((await waitLine(`version ${n}`)) - start);
      await Bun.sleep(150);
    }
  } finally {
    try {
      process.kill(-(proc.pid as number), "SIGKILL");
    } catch (error) {
      // ESRCH: the tool's group already ended on its own; anything else is worth seeing.
      if ((error as NodeJS.ErrnoException).code !== "ESRCH")
        console.error(`${tool.name}: ${String(error)}`);
    }
    await proc.exited;
    rmSync(dir, { recursive: true, force: true });
  }
  return samples;
}

const results = new Map<string, number[]>();
for (const tool of tools.filter((t) => t.available)) results.set(tool.name, []);
for (let round = 0; round < rounds; round++) {
  for (const tool of tools.filter((t) => t.available)) {
    try {
      results.get(tool.name)?.push(...(await measure(tool)));
    } catch (error) {
      console.error(String(error));
    }
  }
}

const floor = median(results.get(tools[0]?.name ?? "") ?? []);
const rows = [...results].map(([name, samples]) => {
  const p50 = median(samples);
  return `| ${name} | ${samples.length} | ${p50.toFixed(0)} | ${percentile(samples, 90).toFixed(0)} | ${ratio(p50, floor)} |`;
});
const skipped = tools
  .filter((t) => !t.available)
  .map((t) => `${t.name} (not installed: ${t.note})`);
const cpu =
  (
    await Bun.file("/proc/cpuinfo")
      .text()
      .catch(() => "")
  ).match(/model name\s*:\s*(.+)/)?.[1] ?? process.arch;
const report = `# Performance

Written by \`bun run bench\` on ${new Date().toISOString().slice(0, 10)}, ${cpu}, ${navigator.hardwareConcurrency} cores, Bun ${Bun.version}.
Reproduce: \`bun run bench\` (${rounds} rounds × 3 saves per tool, tools alternating each round).

## Save → new process running (ms)

Time from writing a new version of the watched file to the first line printed by the new
process. hotreload compares content and waits for its quiet window (debounce) before
acting, which is part of what it measures here.

| Tool | Samples | p50 | p90 | p50 vs floor |
| --- | --- | --- | --- | --- |
${rows.join("\n")}

${skipped.length > 0 ? `Skipped: ${skipped.join("; ")}.` : ""}
`;
if (short) console.log(report);
else {
  writeFileSync(join(top, "docs", "PERFORMANCE.md"), report);
  console.log(report);
}
if ([...results.values()].some((samples) => samples.length === 0)) process.exitCode = 1;
