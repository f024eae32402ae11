// Validates a request against its operation in the OpenAPI document: path and query
// parameters (coerced from text to the declared types) and the JSON body. Validators are
// compiled once per operation, on first use.

import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import { createApiAjv, documentRef, type ApiDocument, type OperationObject, type ParameterObject } from './api-document.ts';
import { HttpError } from './http-error.ts';

export interface ValidatedRequest {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
}

interface OperationValidators {
  params?: ValidateFunction;
  query?: ValidateFunction;
  queryNames: Set<string>;
  /** Array parameters sent as one comma-separated value (`explode: false`). */
  commaSeparated: Set<string>;
  body?: ValidateFunction;
  bodyRequired: boolean;
}

export class RequestValidator {
  readonly #document: ApiDocument;
  readonly #bodyAjv: Ajv2020;
  readonly #paramAjv: Ajv2020;
  readonly #compiled = new Map<string, OperationValidators>();

  constructor(document: ApiDocument) {
    this.#document = document;
    this.#bodyAjv = createApiAjv(document);
    // Parameters arrive as text: this instance turns "10" into 10 and "true" into true.
    this.#paramAjv = createApiAjv(document);
    this.#paramAjv.opts.coerceTypes = 'array';
  }

  validate(
    path: string,
    method: string,
    raw: { params: Record<string, string>; query: Record<string, string | string[] | undefined>; body: unknown },
  ): ValidatedRequest {
    const validators = this.#validators(path, method);
    const params = { ...raw.params };
    if (validators.params && !validators.params(params)) throw invalid('path', validators.params.errors);

    const query: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(raw.query)) {
      if (!validators.queryNames.has(name)) continue;
      query[name] = Array.isArray(value) ? value[value.length - 1] : value;
      if (validators.commaSeparated.has(name) && typeof query[name] === 'string') query[name] = (query[name] as string).split(',');
    }
    if (validators.query && !validators.query(query)) throw invalid('query', validators.query.errors);

    if (raw.body === undefined) {
      if (validators.bodyRequired) throw new HttpError(400, 'this operation needs a JSON request body');
    } else if (validators.body) {
      if (!validators.body(raw.body)) throw invalid('body', validators.body.errors);
    } else {
      throw new HttpError(400, 'this operation takes no request body');
    }
    return { params, query, body: raw.body };
  }

  #validators(path: string, method: string): OperationValidators {
    const key = `${method} ${path}`;
    let validators = this.#compiled.get(key);
    if (!validators) {
      validators = this.#compile(path, method);
      this.#compiled.set(key, validators);
    }
    return validators;
  }

  #compile(path: string, method: string): OperationValidators {
    const operation = this.#document.paths[path][method] as OperationObject;
    const parameters = [
      ...resolveParameters(this.#document, (this.#document.paths[path] as { parameters?: OperationObject['parameters'] }).parameters, [
        'paths',
        path,
        'parameters',
      ]),
      ...resolveParameters(this.#document, operation.parameters, ['paths', path, method, 'parameters']),
    ];
    const byLocation = (where: 'path' | 'query') => parameters.filter((p) => p.parameter.in === where);
    // Each parameter's schema is referenced where it stands in the document, so its own
    // `$ref`s resolve.
    const objectSchema = (list: LocatedParameter[]) => ({
      type: 'object',
      properties: Object.fromEntries(
        list.map((p) => [p.parameter.name, p.parameter.schema ? { $ref: documentRef(...p.pointer, 'schema') } : {}]),
      ),
      required: list.filter((p) => p.parameter.required || p.parameter.in === 'path').map((p) => p.parameter.name),
    });
    const pathParams = byLocation('path');
    const queryParams = byLocation('query');
    const jsonBody = operation.requestBody?.content?.['application/json'];
    return {
      ...(pathParams.length ? { params: this.#paramAjv.compile(objectSchema(pathParams)) } : {}),
      ...(queryParams.length ? { query: this.#paramAjv.compile(objectSchema(queryParams)) } : {}),
      queryNames: new Set(queryParams.map((p) => p.parameter.name)),
      commaSeparated: new Set(queryParams.filter((p) => (p.parameter as { explode?: boolean }).explode === false).map((p) => p.parameter.name)),
      ...(jsonBody?.schema
        ? { body: this.#bodyAjv.compile({ $ref: documentRef('paths', path, method, 'requestBody', 'content', 'application/json', 'schema') }) }
        : {}),
      bodyRequired: Boolean(jsonBody && operation.requestBody?.required),
    };
  }
}

interface LocatedParameter {
  parameter: ParameterObject;
  /** Where the parameter object stands in the document. */
  pointer: string[];
}

function resolveParameters(document: ApiDocument, list: OperationObject['parameters'] | undefined, at: string[]): LocatedParameter[] {
  return (list ?? []).map((p, index) => {
    if ('$ref' in p) {
      const name = p.$ref.replace('#/components/parameters/', '');
      return {
        parameter: (document.components as { parameters: Record<string, ParameterObject> }).parameters[name],
        pointer: ['components', 'parameters', name],
      };
    }
    return { parameter: p, pointer: [...at, String(index)] };
  });
}

function invalid(where: 'path' | 'query' | 'body', errors: ErrorObject[] | null | undefined): HttpError {
  const messages = [...new Set((errors ?? []).map((e) => describeError(where, e)))].slice(0, 10);
  return new HttpError(400, `the request does not fit the API: ${messages.join('; ')}`);
}

function describeError(where: 'path' | 'query' | 'body', error: ErrorObject): string {
  const segments = error.instancePath.split('/').slice(1).map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
  const place =
    where === 'body'
      ? segments.length
        ? `"${segments.join('.')}"`
        : 'the body'
      : `${where === 'path' ? 'path' : 'query'} parameter "${segments[0] ?? ''}"`;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return where === 'body'
        ? `${segments.length ? place : 'the body'} is missing the required field "${String(params.missingProperty)}"`
        : `the ${where} parameter "${String(params.missingProperty)}" is required`;
    case 'additionalProperties':
      return `${place} has a field this operation does not know: "${String(params.additionalProperty)}"`;
    case 'enum':
      return `${place} must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'format':
      return `${place} must be a ${String(params.format)}`;
    default:
      return `${place} ${error.message ?? 'is not valid'}`;
  }
}
