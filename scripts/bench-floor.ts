/**
 * The benchmark's floor: the least a restart tool can do. Watches a directory (recursively)
 * with fs.watch and, on any event, kills the running command's group and starts it again
 * as soon as the old one has exited (its port is free then). Events during a restart
 * restart it once more. No filter, no debounce, no lifeline.
 *
 *   bun scripts/bench-floor.ts <dir> [shell command, default "sh app.sh"]
 */
import { watch } from "node:fs";

function main(dir: string, command: string): void {
  const start = () =>
    Bun.spawn(["sh", "-c", command], {
      cwd: dir,
      stdin: "ignore",
      stdout: "inherit",
      stderr: "inherit",
      detached: true,
    });
  let child = start();
  let restarting = false;
  let again = false;

  async function restart(): Promise<void> {
    if (restarting) {
      again = true;
      return;
    }
    restarting = true;
    do {
      again = false;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch (error) {
        // ESRCH: the command already exited on its own; start it again all the same.
        if ((error as NodeJS.ErrnoException).code !== "ESRCH") console.error(String(error));
      }
      await child.exited;
      child = start();
    } while (again);
    restarting = false;
  }

  watch(dir, { recursive: true }, () => void restart());
}

main(process.argv[2] ?? ".", process.argv[3] ?? "sh app.sh");
