/**
 * The benchmark's floor: the least a restart tool can do. Watches a directory with
 * fs.watch and, on any event, kills the running command and starts it again at once.
 */
import { watch } from "node:fs";

const dir = process.argv[2] ?? ".";
let child = Bun.spawn(["sh", "app.sh"], { cwd: dir, stdout: "inherit", stderr: "inherit" });
watch(dir, () => {
  child.kill("SIGKILL");
  child = Bun.spawn(["sh", "app.sh"], { cwd: dir, stdout: "inherit", stderr: "inherit" });
});
