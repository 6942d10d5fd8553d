/** Regenerates schema/hotreload.schema.json and the key table in docs/CONFIGURATION.md. */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { withKeyTable } from "../src/config/docs-table.ts";
import { jsonSchemaText } from "../src/config/json-schema.ts";

const top = join(import.meta.dir, "..");
writeFileSync(join(top, "schema", "hotreload.schema.json"), jsonSchemaText());
const docPath = join(top, "docs", "CONFIGURATION.md");
writeFileSync(docPath, withKeyTable(readFileSync(docPath, "utf8")));
console.log("wrote schema/hotreload.schema.json and the key table of docs/CONFIGURATION.md");
