/** The JSON Schema document for editors (yaml-language-server), derived from the schema. */
import { PACKAGE_NAME } from "../version.ts";
import { configSchema } from "./schema.ts";

export function buildJsonSchema(): Record<string, unknown> {
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    $id: `https://unpkg.com/${PACKAGE_NAME}/schema/hotreload.schema.json`,
    title: "hotreload configuration",
    ...configSchema.jsonSchema(),
  };
}

export function jsonSchemaText(): string {
  return `${JSON.stringify(buildJsonSchema(), null, 2)}\n`;
}
