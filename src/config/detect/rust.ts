/**
 * Rust: a Cargo package builds into a target directory in the cache (outside the tree, so
 * its outputs never trigger) and runs the binary named after the package, or `[[bin]]`.
 */
import { join } from "node:path";
import { type DetectContext, type Detection, emptyDetection } from "./types.ts";

export function detectRust(ctx: DetectContext): Detection | null {
  const cargo = ctx.read("Cargo.toml");
  if (cargo === null) return null;
  const packageName = /^\s*name\s*=\s*"([^"]+)"/m.exec(cargo)?.[1] ?? "app";
  const bins = [...cargo.matchAll(/\[\[bin\]\][^[]*?^\s*name\s*=\s*"([^"]+)"/gms)].map(
    (m) => m[1] as string,
  );
  const target = join(ctx.cacheDir, "target");
  const picked = ctx.entry ?? (bins.length > 1 ? null : (bins[0] ?? packageName));
  const base = emptyDetection({
    kind: "rust",
    label: `Cargo package ${packageName}`,
    exec: null,
    ext: [".rs", ".toml"],
    outputs: ctx.portable ? [] : [ctx.cacheDir],
  });
  if (picked === null)
    return {
      ...base,
      choices: bins,
      warnings: [
        `${bins.length} binaries (${bins.join(", ")}): pick one with \`entry: ${bins[0]}\` or --entry ${bins[0]}`,
      ],
    };
  const binFlag = bins.length > 0 ? ` --bin ${picked}` : "";
  return {
    ...base,
    build: `cargo build --target-dir ${ctx.quote(target)}${binFlag}`,
    exec: ctx.quote(join(target, "debug", `${picked}${ctx.exe}`)),
  };
}
