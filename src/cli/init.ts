import { existsSync, writeFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { defineCommand } from "citty";
import { detectProject } from "../config/detect.ts";
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
    const detection = detectProject(root, { portable: true });
    const target = existing ?? resolve(root, ".hotreload.yaml");
    writeFileSync(target, renderInitFile(detection));
    const what = detection
      ? `for the ${detection.label}`
      : "(no known project kind found: fill in `exec`)";
    process.stdout.write(
      `wrote ${relative(process.cwd(), target) || target} ${what}\nnext: run \`hotreload check\`, then \`hotreload\`\n`,
    );
  },
});
