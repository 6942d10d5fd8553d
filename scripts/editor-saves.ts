/**
 * The saves a debounce window must merge, done on real files the way each tool does them:
 * vim's rename-save, VS Code's in-place save, JetBrains' safe-write, and a 200-file
 * `git checkout`. Shared by scripts/measure-debounce.ts and the watch integration tests.
 */
import { execFileSync } from "node:child_process";
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";

function writeSynced(path: string, content: string): void {
  const fd = openSync(path, "w");
  writeSync(fd, content);
  fsyncSync(fd);
  closeSync(fd);
}

/** vim with default options: probe the dir, keep a backup by renaming, write, drop backup. */
export function vimSave(dir: string, i: number): void {
  const file = join(dir, "main.go");
  writeFileSync(join(dir, "4913"), "");
  unlinkSync(join(dir, "4913"));
  renameSync(file, `${file}~`);
  writeSynced(file, `package main // vim ${i}\n`);
  unlinkSync(`${file}~`);
}

/** VS Code: truncate and write the file in place. */
export function vscodeSave(dir: string, i: number): void {
  writeFileSync(join(dir, "main.go"), `package main // vscode ${i}\n`);
}

/** JetBrains "safe write": temp file, original to ___jb_old___, temp to the name, drop old. */
export function jetbrainsSave(dir: string, i: number): void {
  const file = join(dir, "main.go");
  writeSynced(`${file}___jb_tmp___`, `package main // jetbrains ${i}\n`);
  renameSync(file, `${file}___jb_old___`);
  renameSync(`${file}___jb_tmp___`, file);
  unlinkSync(`${file}___jb_old___`);
}

export function git(dir: string, ...args: string[]): void {
  execFileSync("git", args, { cwd: dir, stdio: "ignore" });
}

export function setupGitRepo(dir: string): void {
  git(dir, "init", "-q", "-b", "one");
  git(dir, "config", "user.email", "m@example.com");
  git(dir, "config", "user.name", "measure");
  for (let f = 0; f < 200; f++) {
    mkdirSync(join(dir, `pkg${f % 10}`), { recursive: true });
    writeFileSync(join(dir, `pkg${f % 10}/file${f}.go`), `package p // one ${f}\n`);
  }
  git(dir, "add", ".");
  git(dir, "commit", "-q", "-m", "one");
  git(dir, "checkout", "-q", "-b", "two");
  for (let f = 0; f < 200; f++) {
    writeFileSync(join(dir, `pkg${f % 10}/file${f}.go`), `package p // two ${f}\n`);
  }
  git(dir, "commit", "-q", "-am", "two");
}

export interface SaveScenario {
  name: string;
  setup(dir: string): void;
  act(dir: string, run: number): void;
}

export const SAVE_SCENARIOS: SaveScenario[] = [
  { name: "vim rename-save", setup: (d) => writeFileSync(join(d, "main.go"), "x"), act: vimSave },
  {
    name: "VS Code in-place",
    setup: (d) => writeFileSync(join(d, "main.go"), "x"),
    act: vscodeSave,
  },
  {
    name: "JetBrains safe-write",
    setup: (d) => writeFileSync(join(d, "main.go"), "x"),
    act: jetbrainsSave,
  },
  {
    name: "git checkout (200 files)",
    setup: setupGitRepo,
    act: (d, run) => git(d, "checkout", "-q", run % 2 === 0 ? "one" : "two"),
  },
];
