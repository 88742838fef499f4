/** Writes schemas/routes.schema.json from buildSchema(). Run: npx tsx src/config/write-schema.ts */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSchema } from './schema.ts';

export const SCHEMA_FILE = fileURLToPath(new URL('../../schemas/routes.schema.json', import.meta.url));

export function schemaFileText(): string {
  return `${JSON.stringify(buildSchema(), null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SCHEMA_FILE, schemaFileText());
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
}
