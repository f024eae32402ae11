// The manager's API as TypeScript sees it: types generated from manager/openapi/tablao.yaml
// (`npm run generate:api`) and a typed client on openapi-fetch for workers, the studio and scripts.

import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, operations, paths } from './schema.ts';

export type { components, operations, paths };

/** A schema of the document's components, by name: `Schema<'Job'>`. */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];

export type TablaoClient = Client<paths>;

/** A client of the manager at `baseUrl` (e.g. http://localhost:8080); paths are the document's, /api/v3/… */
export function createTablaoClient(baseUrl: string, options: Omit<ClientOptions, 'baseUrl'> = {}): TablaoClient {
  return createClient<paths>({ ...options, baseUrl: baseUrl.replace(/\/+$/, '') });
}
