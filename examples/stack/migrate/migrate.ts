// The one-shot task of the stack example: "migrates" (writes the schema version next to
// the stack, outside every service's root) and exits 0, so the API may start.
// MIGRATE_FAIL=1 makes it fail, to see the API wait for it.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const version = 3;
if (process.env.MIGRATE_FAIL === "1") {
  console.error("migration failed: MIGRATE_FAIL=1");
  process.exit(1);
}
const dir = join(import.meta.dir, "..", "data");
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, "schema-version"), `${version}\n`);
console.log(`migrated to schema version ${version}`);
