// The OpenAPI document (manager/openapi/tablao.yaml): loaded once, and the ajv instance that
// validates against it. The document is the single source of truth for routes and requests.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';

export const API_DOCUMENT_FILE = fileURLToPath(new URL('../../openapi/tablao.yaml', import.meta.url));

export type ApiDocument = Record<string, unknown> & {
  paths: Record<string, Record<string, OperationObject>>;
};

export interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Record<string, unknown>;
}

export interface OperationObject {
  operationId: string;
  parameters?: (ParameterObject | { $ref: string })[];
  requestBody?: { required?: boolean; content: Record<string, { schema?: unknown }>; $ref?: string };
  security?: Record<string, string[]>[];
  'x-tablao-body-limit'?: number;
  /** The body reaches the handler as the request stream, unread (uploads of any size). */
  'x-tablao-streamed-body'?: boolean;
}

let cached: ApiDocument | undefined;

export function apiDocument(): ApiDocument {
  cached ??= parse(readFileSync(API_DOCUMENT_FILE, 'utf8')) as ApiDocument;
  return cached;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/** The document's schemas are reachable as `tablao#/components/schemas/<Name>`. */
export const DOCUMENT_SCHEMA_ID = 'tablao';

export function createApiAjv(document: ApiDocument = apiDocument()): Ajv2020 {
  // Strict, with union types (2020-12 nullables) and OpenAPI's own keywords as annotations.
  // `strictRequired` is off: "not both a and b" is written `not: { required: [a, b] }`.
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allowUnionTypes: true, allErrors: true });
  ajv.addVocabulary(['example', 'discriminator', 'xml', 'externalDocs']);
  ajv.addVocabulary(['openapi', 'info', 'jsonSchemaDialect', 'servers', 'paths', 'webhooks', 'components', 'security', 'tags']);
  ajv.addFormat('uuid', UUID);
  ajv.addFormat('date-time', { type: 'string', validate: (s: string) => DATE_TIME.test(s) && !Number.isNaN(Date.parse(s)) });
  ajv.addSchema(document, DOCUMENT_SCHEMA_ID);
  return ajv;
}

/** A JSON pointer into the document, as a `$ref` ajv resolves. */
export function documentRef(...segments: string[]): string {
  return `${DOCUMENT_SCHEMA_ID}#/${segments.map((s) => s.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`;
}
