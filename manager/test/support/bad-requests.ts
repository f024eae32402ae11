// Malformed requests for every operation of the OpenAPI document: wrong ids, missing and
// wrong-typed fields, unknown fields, oversized values, broken JSON, oversized bodies.
// Generated from the document, so a new operation is covered without writing a test.

import { apiDocument, type OperationObject, type ParameterObject } from '../../src/http/api-document.ts';

export interface BadRequest {
  operationId: string;
  method: string;
  path: string;
  why: string;
  body?: string;
  contentType?: string;
}

type Schema = Record<string, unknown>;

const document = apiDocument();

function resolve(schema: unknown, depth = 0): Schema {
  let current = (schema ?? {}) as Schema;
  while (typeof current.$ref === 'string' && depth < 20) {
    const pointer = (current.$ref as string).replace(/^#\//, '').split('/');
    let target: unknown = document;
    for (const segment of pointer) target = (target as Record<string, unknown>)[segment.replaceAll('~1', '/').replaceAll('~0', '~')];
    current = target as Schema;
    depth++;
  }
  if (Array.isArray(current.allOf)) {
    const merged: Schema = { type: 'object', properties: {}, required: [] };
    for (const part of current.allOf) {
      const resolved = resolve(part, depth + 1);
      Object.assign(merged.properties as Schema, resolved.properties ?? {});
      (merged.required as string[]).push(...((resolved.required as string[]) ?? []));
      if (resolved.additionalProperties === false) merged.additionalProperties = false;
    }
    return merged;
  }
  return current;
}

function parameters(path: string, method: string): ParameterObject[] {
  const item = document.paths[path] as Record<string, unknown> & { parameters?: unknown[] };
  const operation = item[method] as OperationObject;
  return [...(item.parameters ?? []), ...(operation.parameters ?? [])].map((p) => {
    const ref = (p as { $ref?: string }).$ref;
    return ref ? ((document.components as Record<string, Record<string, ParameterObject>>).parameters[ref.split('/').pop()!] as ParameterObject) : (p as ParameterObject);
  });
}

function validValue(schema: Schema): string {
  const resolved = resolve(schema);
  if (resolved.format === 'uuid') return '0f0e0d0c-0b0a-4908-8706-050403020100';
  if (resolved.type === 'integer' || resolved.type === 'number') return String(resolved.minimum ?? 1);
  if (Array.isArray(resolved.enum)) return String(resolved.enum[0]);
  if (typeof resolved.pattern === 'string' && /a-z|A-Z/.test(resolved.pattern)) return 'abc';
  return 'abc';
}

function fillPath(path: string, params: ParameterObject[], override?: [string, string]): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    if (override && override[0] === name) return encodeURIComponent(override[1]);
    const param = params.find((p) => p.in === 'path' && p.name === name);
    return encodeURIComponent(validValue(param?.schema ?? {}));
  });
}

function firstStringProperty(schema: Schema): [string, Schema] | undefined {
  for (const [name, property] of Object.entries((schema.properties as Record<string, unknown>) ?? {})) {
    const resolved = resolve(property);
    if (resolved.type === 'string' && typeof resolved.maxLength === 'number' && !resolved.enum && !resolved.format) return [name, resolved];
  }
  return undefined;
}

function sampleObject(schema: Schema): Record<string, unknown> {
  const sample: Record<string, unknown> = {};
  for (const name of (schema.required as string[]) ?? []) {
    const property = resolve((schema.properties as Record<string, unknown>)?.[name]);
    sample[name] =
      property.type === 'integer' || property.type === 'number'
        ? (property.minimum ?? 1)
        : property.type === 'boolean'
          ? true
          : property.type === 'array'
            ? []
            : property.type === 'object'
              ? {}
              : validValue(property);
  }
  return sample;
}

export function badRequests(): BadRequest[] {
  const out: BadRequest[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of ['get', 'post', 'put', 'delete', 'patch']) {
      const operation = (item as Record<string, OperationObject | undefined>)[method];
      if (!operation) continue;
      const params = parameters(path, method);
      const base = { operationId: operation.operationId, method: method.toUpperCase() };
      const goodPath = fillPath(path, params);

      for (const param of params.filter((p) => p.in === 'path')) {
        const schema = resolve(param.schema);
        if (schema.format === 'uuid' || schema.type === 'integer' || schema.pattern) {
          out.push({ ...base, path: fillPath(path, params, [param.name, 'not a valid id!']), why: `path parameter ${param.name} malformed` });
        }
      }
      for (const param of params.filter((p) => p.in === 'query')) {
        const schema = resolve(param.schema);
        if (schema.type === 'integer') {
          out.push({ ...base, path: `${goodPath}?${param.name}=twelve`, why: `query ${param.name} not a number` });
          if (typeof schema.maximum === 'number') {
            out.push({ ...base, path: `${goodPath}?${param.name}=${schema.maximum + 1}`, why: `query ${param.name} too large` });
          }
        }
      }

      const json = operation.requestBody?.content?.['application/json'];
      if (!json) continue;
      const schema = resolve(json.schema);
      out.push({ ...base, path: goodPath, why: 'broken JSON', body: '{"oops": ', contentType: 'application/json' });
      out.push({ ...base, path: goodPath, why: 'body of the wrong type', body: schema.type === 'array' ? '{}' : '[1, 2, 3]', contentType: 'application/json' });
      if (schema.type === 'object') {
        const required = (schema.required as string[]) ?? [];
        if (required.length > 0) {
          out.push({ ...base, path: goodPath, why: 'empty object for a body with required fields', body: '{}', contentType: 'application/json' });
          const sample = sampleObject(schema);
          const first = required[0];
          const property = resolve((schema.properties as Record<string, unknown>)?.[first]);
          sample[first] = property.type === 'string' ? 12345 : 'not the right type';
          out.push({ ...base, path: goodPath, why: `required field ${first} of the wrong type`, body: JSON.stringify(sample), contentType: 'application/json' });
        }
        const long = firstStringProperty(schema);
        if (long) {
          const sample = { ...sampleObject(schema), [long[0]]: 'x'.repeat((long[1].maxLength as number) + 1) };
          out.push({ ...base, path: goodPath, why: `field ${long[0]} too long`, body: JSON.stringify(sample), contentType: 'application/json' });
        }
        if (schema.additionalProperties === false) {
          const sample = { ...sampleObject(schema), no_such_field_here: 1 };
          out.push({ ...base, path: goodPath, why: 'unknown field', body: JSON.stringify(sample), contentType: 'application/json' });
        }
      }
      out.push({ ...base, path: goodPath, why: 'body far over the size limit', body: JSON.stringify({ padding: 'x'.repeat(70 * 1024 * 1024) }), contentType: 'application/json' });
    }
  }
  return out;
}

/** Operations with a JSON body, an id in the path, or a numeric query parameter. */
export function operationsTakingInput(): string[] {
  const ids: string[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of ['get', 'post', 'put', 'delete', 'patch']) {
      const operation = (item as Record<string, OperationObject | undefined>)[method];
      if (!operation) continue;
      const params = parameters(path, method);
      const takesInput =
        operation.requestBody?.content?.['application/json'] !== undefined ||
        params.some((p) => {
          const schema = resolve(p.schema);
          return (p.in === 'path' && (schema.format === 'uuid' || schema.type === 'integer' || schema.pattern)) || (p.in === 'query' && schema.type === 'integer');
        });
      if (takesInput) ids.push(operation.operationId);
    }
  }
  return ids;
}
