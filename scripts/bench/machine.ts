/** The machine a report was measured on: CPU, cores, memory, kernel, toolchain versions. */
import { cpus, release, totalmem } from "node:os";
import { benchDebug } from "./debug.ts";
import { runCommand } from "./run-command.ts";

export interface Machine {
  cpu: string;
  cores: number;
  ramGiB: number;
  kernel: string;
  bun: string;
  go: string;
}

/** The "model name" line of /proc/cpuinfo, or null. */
export function parseCpuModel(cpuinfo: string): string | null {
  return cpuinfo.match(/^model name\s*:\s*(.+)$/m)?.[1]?.trim() ?? null;
}

/** "go1.19.8" out of `go version go1.19.8 linux/amd64`. */
export function parseGoVersion(output: string): string | null {
  return output.match(/\bgo(\d+\.\d+(?:\.\d+)?)\b/)?.[1] ?? null;
}

export async function describeMachine(): Promise<Machine> {
  const cpuinfo = await Bun.file("/proc/cpuinfo")
    .text()
    .catch((error) => {
      // Not Linux, or /proc hidden: the model then comes from os.cpus().
      benchDebug(`/proc/cpuinfo: ${String(error)}`);
      return "";
    });
  const go = await runCommand(["go", "version"], 20_000);
  return {
    cpu: parseCpuModel(cpuinfo) ?? cpus()[0]?.model ?? process.arch,
    cores: cpus().length,
    ramGiB: totalmem() / 2 ** 30,
    kernel: `${process.platform} ${release()}`,
    bun: Bun.version,
    go: parseGoVersion(go.stdout) ?? "not found",
  };
}
