/**
 * Binary size and start-up: every target's size as shipped, and for this machine's target
 * the `--version` start-up (median of 20 runs, hyperfine-style: spawn, wait, repeat, after
 * warm-up runs) for each build choice we tried, so scripts/build.ts's SHIPPED choice is
 * backed by numbers. Builds go to a temp dir; dist/ is never touched. `short`: the host
 * binary as shipped only, 3 runs.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { median, percentile } from "../bench-stats.ts";
import { type BuildChoices, binaryName, compile, hostTarget, SHIPPED, TARGETS } from "../build.ts";
import type { BenchContext, Scenario, Section } from "./types.ts";

const VARIANTS: { label: string; choices: BuildChoices }[] = [
  { label: "plain", choices: { minify: false, bytecode: false, sourcemap: false } },
  { label: "minify", choices: { minify: true, bytecode: false, sourcemap: false } },
  { label: "minify + sourcemap", choices: { minify: true, bytecode: false, sourcemap: true } },
  { label: "minify + bytecode", choices: { minify: true, bytecode: true, sourcemap: false } },
  { label: "minify + bytecode + sourcemap", choices: SHIPPED },
];

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const ms = (value: number) => `${value.toFixed(1)} ms`;

/** Wall time of `binary --version`, each run spawned and awaited in turn. */
export async function startupSamples(binary: string, runs: number, warmup = 2): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const started = performance.now();
    const proc = Bun.spawn([binary, "--version"], { stdout: "pipe", stderr: "pipe" });
    const [out, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
    const elapsed = performance.now() - started;
    if (code !== 0 || !out.startsWith("hotreload "))
      throw new Error(`${binary} --version: exit ${code}, printed ${JSON.stringify(out)}`);
    if (i >= warmup) samples.push(elapsed);
  }
  return samples;
}

async function run(context: BenchContext): Promise<Section> {
  const dir = mkdtempSync(join(tmpdir(), "hotreload-bench-binary-"));
  const runs = context.short ? 3 : 20;
  try {
    const [hostName, hostFile] = hostTarget();
    const variants = context.short ? VARIANTS.filter((v) => v.choices === SHIPPED) : VARIANTS;
    const startupRows: string[][] = [];
    for (const variant of variants) {
      const outfile = join(dir, `${hostFile}-${variant.label.replace(/\W+/g, "-")}`);
      context.log(`binary: building ${hostName} (${variant.label})`);
      await compile(hostName, outfile, variant.choices);
      const samples = await startupSamples(outfile, runs);
      startupRows.push([
        variant.label + (variant.choices === SHIPPED ? " (shipped)" : ""),
        mib(statSync(outfile).size),
        ms(median(samples)),
        ms(percentile(samples, 90)),
      ]);
    }
    const sizeRows: string[][] = [];
    if (!context.short) {
      for (const [target, name] of TARGETS) {
        context.log(`binary: building ${target}`);
        const outfile = join(dir, `${name}-${binaryName(target)}`);
        await compile(target, outfile);
        sizeRows.push([name, mib(statSync(outfile).size)]);
      }
    }
    return {
      title: "Binary size and start-up",
      intro:
        `Each \`bun build --compile\` target as \`bun run build\` ships it (minified, bytecode, ` +
        `embedded source map, autoload of .env/bunfig.toml off), and this machine's ` +
        `\`hotreload --version\` wall time: median and p90 of ${runs} runs after 2 warm-up ` +
        `runs, spawned one after another. The Bun runtime is most of every binary.`,
      tables: [
        {
          title: `Start-up of ${hostFile} by build choice`,
          columns: ["build", "size", "--version median", "p90"],
          rows: startupRows,
        },
        ...(sizeRows.length > 0
          ? [
              {
                title: "Size per target (shipped build)",
                columns: ["binary", "size"],
                rows: sizeRows,
              },
            ]
          : []),
      ],
      notes: [
        "Bytecode skips parsing at start-up; the source map costs size only and makes " +
          "internal-error stack traces point at src/ lines. Why each choice is kept is " +
          "written beside `SHIPPED` in scripts/build.ts.",
      ],
      ok: true,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const scenario: Scenario = { order: 80, id: "binary", run };
