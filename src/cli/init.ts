import { existsSync, writeFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { defineCommand } from "citty";
import { detectProject } from "../config/detect/index.ts";
import { findConfigFile } from "../config/load.ts";
import { renderInitFile } from "../config/template.ts";
import { fail } from "../errors.ts";

export default defineCommand({
  meta: {
    name: "init",
    description: "Write a commented .hotreload.yaml for the project in this directory",
  },
  args: {
    root: { type: "string", valueHint: "dir", description: "Project directory (default .)" },
    force: { type: "boolean", description: "Overwrite an existing config file" },
  },
  run({ args }) {
    const root = resolve(process.cwd(), typeof args.root === "string" ? args.root : ".");
    if (!existsSync(root))
      fail(
        "root.missing",
        `--root: ${root} does not exist`,
        "Run init inside the project, or pass an existing --root.",
      );
    const existing = findConfigFile(root);
    if (existing && !args.force)
      fail(
        "init.exists",
        `${relative(process.cwd(), existing) || existing} already exists; not overwriting it`,
        "Pass --force to replace it, or edit it by hand and run `hotreload check`.",
      );
    let detection = detectProject(root, { portable: true });
    const choices = detection?.choices ?? [];
    const first = choices[0];
    if (detection && detection.exec === null && first !== undefined) {
      // Several entry points: the file runs the first and lists the others for the user.
      const picked = detectProject(root, { portable: true, entry: first });
      if (picked) detection = { ...picked, choices, warnings: [] };
    }
    const target = existing ?? resolve(root, ".hotreload.yaml");
    writeFileSync(target, renderInitFile(detection));
    const what = !detection
      ? "(no known project kind found: fill in `exec`)"
      : detection.exec === null
        ? `for the ${detection.label} (found nothing to run: fill in \`exec\`)`
        : choices.length > 1
          ? `for the ${detection.label} (entry points: ${choices.join(", ")})`
          : `for the ${detection.label}`;
    process.stdout.write(
      `wrote ${relative(process.cwd(), target) || target} ${what}\nnext: run \`hotreload check\`, then \`hotreload\`\n`,
    );
  },
});
