// api-client/src/schema.ts must be what `npm run generate:api` makes of the OpenAPI document
// now: the handlers and the client are typed with it.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { generateSchema, SCHEMA_FILE } from '../../../api-client/generate-schema.ts';

describe('generated API types', function () {
  it('are in step with manager/openapi/tablao.yaml', async function () {
    const [committed, generated] = await Promise.all([readFile(SCHEMA_FILE, 'utf8'), generateSchema()]);
    const difference = firstDifference(committed, generated);
    assert.equal(
      difference,
      undefined,
      `api-client/src/schema.ts is out of date with the OpenAPI document (${difference}); run \`npm run generate:api\``,
    );
  });
});

/** Where two texts first differ, by line, for a message a person can follow. */
function firstDifference(a: string, b: string): string | undefined {
  if (a === b) return undefined;
  const linesA = a.split('\n');
  const linesB = b.split('\n');
  const index = linesA.findIndex((line, i) => line !== linesB[i]);
  const at = index === -1 ? linesA.length : index;
  return `line ${at + 1} is ${JSON.stringify(linesA[at] ?? '(the end)')}, generated ${JSON.stringify(linesB[at] ?? '(the end)')}`;
}
