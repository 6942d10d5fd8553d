/**
 * examples/stack copied into a temp dir with free ports, for the services e2e and bench:
 * edits never touch the repository, and runs never clash on ports.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./hotreload-process.ts";

export const STACK_EXAMPLE = join(import.meta.dir, "..", "..", "examples", "stack");

export interface StackCopy extends Disposable {
  readonly root: string;
  readonly apiPort: number;
  readonly usersPort: number;
  path(rel: string): string;
  read(rel: string): string;
  /** Replaces `from` by `to` in a file; refuses an edit that changes nothing. */
  edit(rel: string, from: string, to: string): void;
}

export function copyStack(): StackCopy {
  const root = mkdtempSync(join(tmpdir(), "hotreload-stack-"));
  cpSync(STACK_EXAMPLE, root, {
    recursive: true,
    filter: (src) => !src.includes(`${join(STACK_EXAMPLE, "data")}`),
  });
  const apiPort = freePort();
  let usersPort = freePort();
  while (usersPort === apiPort) usersPort = freePort();
  const path = (rel: string) => join(root, rel);
  const read = (rel: string) => readFileSync(path(rel), "utf8");
  const edit = (rel: string, from: string, to: string) => {
    const before = read(rel);
    const after = before.replaceAll(from, to);
    if (after === before) throw new Error(`editing ${rel}: ${JSON.stringify(from)} not found`);
    writeFileSync(path(rel), after);
  };
  edit(".hotreload.yaml", "4001", String(usersPort));
  edit(".hotreload.yaml", "4000", String(apiPort));
  return {
    root,
    apiPort,
    usersPort,
    path,
    read,
    edit,
    [Symbol.dispose]() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}
