// Generates src/schema.ts from the manager's OpenAPI document (`npm run generate:api`). The
// test that keeps schema.ts in step with the document generates it here too, with the same options.

import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';

export const API_DOCUMENT_URL = new URL('../manager/openapi/tablao.yaml', import.meta.url);
export const SCHEMA_FILE = fileURLToPath(new URL('./src/schema.ts', import.meta.url));

export async function generateSchema(): Promise<string> {
  const ast = await openapiTS(API_DOCUMENT_URL, {
    // A field with a default may still be left out (the manager omits `required: false`, a
    // client may omit `offset`), so it stays optional in the types.
    defaultNonNullable: false,
    silent: true,
  });
  return COMMENT_HEADER + astToString(ast);
}

if (import.meta.main) {
  await writeFile(SCHEMA_FILE, await generateSchema());
  console.log(`wrote ${SCHEMA_FILE}`);
}
