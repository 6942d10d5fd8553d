/**
 * Git's ignore semantics over many rule files: `.git/info/exclude`, the root `.gitignore`
 * and one `.gitignore` per directory. Deeper files win over shallower ones, the last
 * matching line of a file wins, and nothing below an excluded directory can be re-included
 * (the caller tests ancestors first). Pure: the caller supplies the file texts.
 */
import ignore, { type Ignore } from "ignore";

export interface GitignoreVerdict {
  ignored: boolean;
  /** Where the deciding line is, e.g. "src/.gitignore:3 `dist/`". */
  source: string;
}

interface RuleFile {
  /** Directory the patterns are relative to ("" = root). */
  base: string;
  /** Shown in reasons: ".gitignore", "src/.gitignore", ".git/info/exclude". */
  label: string;
  rules: Ignore;
}

export interface GitignoreRules {
  /** Sets (or with null, removes) the `.gitignore` of a directory ("" = root); false when
   * there was nothing to remove (the rules are as before). */
  setDirectory(dir: string, text: string | null): boolean;
  setInfoExclude(text: string | null): boolean;
  /** The verdict of the deepest file with an opinion on `rel` itself, or null. */
  test(rel: string, isDir: boolean): GitignoreVerdict | null;
  /** Directories that currently have a `.gitignore`. */
  directories(): string[];
}

const INFO_EXCLUDE = "\0info-exclude";

function compile(base: string, label: string, text: string): RuleFile {
  const rules = ignore();
  // One line at a time so each rule remembers its line number (the `mark`).
  text.split("\n").forEach((line, index) => {
    rules.add({ pattern: line.endsWith("\r") ? line.slice(0, -1) : line, mark: String(index + 1) });
  });
  return { base, label, rules };
}

function relativeTo(base: string, rel: string): string | null {
  if (base === "") return rel;
  return rel.startsWith(`${base}/`) ? rel.slice(base.length + 1) : null;
}

function parentOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash === -1 ? "" : path.slice(0, slash);
}

export function createGitignoreRules(): GitignoreRules {
  const files = new Map<string, RuleFile>();
  // Rule files per directory, asked for once per directory instead of once per file.
  const applicableCache = new Map<string, RuleFile[]>();

  /** Rule files that apply to `rel`, deepest first; info/exclude comes last (lowest). */
  function applicable(rel: string): RuleFile[] {
    const parent = parentOf(rel);
    let result = applicableCache.get(parent);
    if (result === undefined) {
      result = collect(parent);
      applicableCache.set(parent, result);
    }
    return result;
  }

  function collect(start: string): RuleFile[] {
    const result: RuleFile[] = [];
    let dir = start;
    for (;;) {
      const file = files.get(dir);
      if (file) result.push(file);
      if (dir === "") break;
      dir = parentOf(dir);
    }
    const exclude = files.get(INFO_EXCLUDE);
    if (exclude) result.push(exclude);
    return result;
  }

  return {
    setDirectory(dir, text) {
      if (text === null && !files.has(dir)) return false;
      applicableCache.clear();
      if (text === null) files.delete(dir);
      else files.set(dir, compile(dir, dir === "" ? ".gitignore" : `${dir}/.gitignore`, text));
      return true;
    },
    setInfoExclude(text) {
      if (text === null && !files.has(INFO_EXCLUDE)) return false;
      applicableCache.clear();
      if (text === null) files.delete(INFO_EXCLUDE);
      else files.set(INFO_EXCLUDE, { ...compile("", ".git/info/exclude", text) });
      return true;
    },
    test(rel, isDir) {
      if (files.size === 0) return null;
      for (const file of applicable(rel)) {
        const local = relativeTo(file.base, rel);
        if (local === null || local === "") continue;
        // `ignore` also applies a file's rules to the path's parents. The caller has
        // already found every ancestor not excluded overall, so a verdict inherited from
        // a parent (which a deeper file re-included) is no opinion on this path itself.
        const parent = parentOf(local);
        if (parent !== "" && file.rules.test(`${parent}/`).ignored) continue;
        const result = file.rules.test(isDir ? `${local}/` : local);
        if (result.ignored && result.rule) {
          return {
            ignored: true,
            source: `${file.label}:${result.rule.mark} \`${result.rule.pattern}\``,
          };
        }
        if (result.unignored) return { ignored: false, source: file.label };
      }
      return null;
    },
    directories: () => [...files.keys()].filter((key) => key !== INFO_EXCLUDE),
  };
}
