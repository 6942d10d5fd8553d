/**
 * What hotreload never watches unless told otherwise: dependency folders and the litter
 * editors leave while saving. `.git/` is not here: it is always ignored, whatever the
 * config says. `.hotreload.yaml` is not here either: the engine reacts to config edits.
 */

/** Directory names ignored at any depth. */
export const DEFAULT_IGNORED_DIRS: readonly string[] = ["node_modules", "vendor"];

/** File-name globs (matched against the base name) ignored at any depth. */
export const DEFAULT_IGNORED_FILES: readonly string[] = [
  "*.swp", // vim swap
  "*.swx", // vim swap, second generation
  "*.swo",
  "*~", // vim/emacs backup (vim rename-save moves the original here)
  "4913", // vim's probe file: checks the directory is writable before a save
  ".#*", // emacs lock file
  "#*#", // emacs auto-save
  "*___jb_tmp___", // JetBrains safe-write temp
  "*___jb_old___", // JetBrains safe-write backup
  ".DS_Store",
];
