// Keeps manager/openapi/tablao.yaml sound: it parses as OpenAPI 3.1, every reference resolves,
// every Flamenco 3.9 operation is there with its method, path and operationId, our own
// operations are marked and live under /api/v3/, every schema compiles with ajv, and the
// bounds promised in manager/openapi/README.md hold for everything a client can send.

import assert from 'node:assert/strict';
import { createApiAjv, type ApiDocument } from '../src/http/api-document.ts';
import { readFileSync } from 'node:fs';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { parse } from 'yaml';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const DOCUMENT_URL = new URL('../openapi/tablao.yaml', import.meta.url);
const doc = parse(readFileSync(DOCUMENT_URL, 'utf8')) as JsonObject;

// Flamenco 3.9's operations, as listed in shared/spec/api.md, with the operationIds of
// Flamenco's pkg/api/flamenco-openapi.yaml.
const FLAMENCO_OPERATIONS: ReadonlyArray<readonly [method: string, path: string, operationId: string]> = [
  // meta
  ['get', '/api/v3/version', 'getVersion'],
  ['get', '/api/v3/configuration', 'getConfiguration'],
  ['post', '/api/v3/configuration/check/shared-storage', 'checkSharedStoragePath'],
  ['get', '/api/v3/configuration/check/blender', 'findBlenderExePath'],
  ['post', '/api/v3/configuration/check/blender', 'checkBlenderExePath'],
  ['post', '/api/v3/configuration/setup-assistant', 'saveSetupAssistantConfig'],
  ['get', '/api/v3/configuration/file', 'getConfigurationFile'],
  ['put', '/api/v3/configuration/file', 'updateConfigurationFile'],
  ['get', '/api/v3/configuration/variables/{audience}/{platform}', 'getVariables'],
  ['get', '/api/v3/configuration/shared-storage/{audience}/{platform}', 'getSharedStorage'],
  ['get', '/api/v3/status', 'getFarmStatus'],
  // jobs
  ['get', '/api/v3/jobs/types', 'getJobTypes'],
  ['get', '/api/v3/jobs/type/{typeName}', 'getJobType'],
  ['get', '/api/v3/jobs', 'fetchJobs'],
  ['post', '/api/v3/jobs', 'submitJob'],
  ['post', '/api/v3/jobs/check', 'submitJobCheck'],
  ['delete', '/api/v3/jobs/mass-delete', 'deleteJobMass'],
  ['get', '/api/v3/jobs/{job_id}', 'fetchJob'],
  ['delete', '/api/v3/jobs/{job_id}', 'deleteJob'],
  ['get', '/api/v3/jobs/{job_id}/what-would-delete-do', 'deleteJobWhatWouldItDo'],
  ['get', '/api/v3/jobs/{job_id}/last-rendered', 'fetchJobLastRenderedInfo'],
  ['get', '/api/v3/jobs/last-rendered', 'fetchGlobalLastRenderedInfo'],
  ['post', '/api/v3/jobs/{job_id}/setstatus', 'setJobStatus'],
  ['post', '/api/v3/jobs/{job_id}/setpriority', 'setJobPriority'],
  ['post', '/api/v3/jobs/{job_id}/settag', 'setJobTag'],
  ['get', '/api/v3/jobs/{job_id}/tasks', 'fetchJobTasks'],
  ['get', '/api/v3/jobs/{job_id}/blocklist', 'fetchJobBlocklist'],
  ['delete', '/api/v3/jobs/{job_id}/blocklist', 'removeJobBlocklist'],
  // tasks
  ['get', '/api/v3/tasks/{task_id}', 'fetchTask'],
  ['get', '/api/v3/tasks/{task_id}/logtail', 'fetchTaskLogTail'],
  ['get', '/api/v3/tasks/{task_id}/log', 'fetchTaskLogInfo'],
  ['post', '/api/v3/tasks/{task_id}/setstatus', 'setTaskStatus'],
  // worker (called by workers)
  ['post', '/api/v3/worker/register-worker', 'registerWorker'],
  ['post', '/api/v3/worker/sign-on', 'signOn'],
  ['post', '/api/v3/worker/sign-off', 'signOff'],
  ['get', '/api/v3/worker/state', 'workerState'],
  ['post', '/api/v3/worker/state-changed', 'workerStateChanged'],
  ['post', '/api/v3/worker/task', 'scheduleTask'],
  ['post', '/api/v3/worker/task/{task_id}', 'taskUpdate'],
  ['get', '/api/v3/worker/task/{task_id}/may-i-run', 'mayWorkerRun'],
  ['post', '/api/v3/worker/task/{task_id}/output-produced', 'taskOutputProduced'],
  // worker management
  ['get', '/api/v3/worker-mgt/workers', 'fetchWorkers'],
  ['get', '/api/v3/worker-mgt/workers/{worker_id}', 'fetchWorker'],
  ['delete', '/api/v3/worker-mgt/workers/{worker_id}', 'deleteWorker'],
  ['post', '/api/v3/worker-mgt/workers/{worker_id}/setstatus', 'requestWorkerStatusChange'],
  ['post', '/api/v3/worker-mgt/workers/{worker_id}/settags', 'setWorkerTags'],
  ['get', '/api/v3/worker-mgt/workers/{worker_id}/sleep-schedule', 'fetchWorkerSleepSchedule'],
  ['post', '/api/v3/worker-mgt/workers/{worker_id}/sleep-schedule', 'setWorkerSleepSchedule'],
  ['get', '/api/v3/worker-mgt/tags', 'fetchWorkerTags'],
  ['post', '/api/v3/worker-mgt/tags', 'createWorkerTag'],
  ['get', '/api/v3/worker-mgt/tag/{tag_id}', 'fetchWorkerTag'],
  ['put', '/api/v3/worker-mgt/tag/{tag_id}', 'updateWorkerTag'],
  ['delete', '/api/v3/worker-mgt/tag/{tag_id}', 'deleteWorkerTag'],
  // shaman
  ['post', '/api/v3/shaman/checkout/requirements', 'shamanCheckoutRequirements'],
  ['post', '/api/v3/shaman/checkout/create', 'shamanCheckout'],
  ['get', '/api/v3/shaman/files/{checksum}/{filesize}', 'shamanFileStoreCheck'],
  ['post', '/api/v3/shaman/files/{checksum}/{filesize}', 'shamanFileStore'],
];

// Operations that take no input at all (no parameters, no body, no credentials), so no
// request of theirs can be a client error. Every other operation documents a 4xx.
const NO_CLIENT_ERROR_POSSIBLE = new Set([
  'getVersion',
  'getConfiguration',
  'findBlenderExePath',
  'getConfigurationFile',
  'getFarmStatus',
  'getJobTypes',
  'getJobTypeCatalog',
  'fetchGlobalLastRenderedInfo',
  'fetchWorkerTags',
]);

const ERROR_SCHEMAS = new Set(['Error', 'SecurityError', 'CompileError', 'JobTypeVersionConflict']);
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

interface Operation {
  method: string;
  path: string;
  op: JsonObject;
  pathItem: JsonObject;
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asObject(value: Json | undefined, where: string): JsonObject {
  assert.ok(isObject(value), `${where} should be an object`);
  return value;
}

function resolvePointer(ref: string): Json | undefined {
  assert.ok(ref.startsWith('#/'), `only local references are used, got ${ref}`);
  let node: Json | undefined = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(node)) node = node[Number(key)];
    else if (isObject(node)) node = node[key];
    else return undefined;
  }
  return node;
}

/** Follows `$ref` chains (of parameters, responses, schemas) to the object they name. */
function deref(value: Json | undefined, where: string): JsonObject {
  let node = asObject(value, where);
  for (let hops = 0; typeof node.$ref === 'string' && Object.keys(node).every((k) => k === '$ref' || k === 'description' || k === 'summary'); hops++) {
    assert.ok(hops < 20, `${where}: reference loop`);
    node = asObject(resolvePointer(node.$ref), `${where} -> ${node.$ref}`);
  }
  return node;
}

function operations(): Operation[] {
  const result: Operation[] = [];
  for (const [path, item] of Object.entries(asObject(doc.paths, 'paths'))) {
    const pathItem = asObject(item, path);
    for (const method of HTTP_METHODS) {
      if (pathItem[method] !== undefined) result.push({ method, path, op: asObject(pathItem[method], `${method} ${path}`), pathItem });
    }
  }
  return result;
}

function name(o: Operation): string {
  return `${o.method.toUpperCase()} ${o.path}`;
}

function isExtension(o: Operation): boolean {
  return o.op['x-tablao-extension'] === true;
}

function allParameters(o: Operation): JsonObject[] {
  const raw = [...((o.pathItem.parameters as Json[] | undefined) ?? []), ...((o.op.parameters as Json[] | undefined) ?? [])];
  return raw.map((p, i) => deref(p, `${name(o)} parameter ${i}`));
}

/** Every `$ref` in the document, with where it was found. */
function allRefs(node: Json, where: string, out: Array<[string, string]> = []): Array<[string, string]> {
  if (Array.isArray(node)) node.forEach((child, i) => allRefs(child, `${where}/${i}`, out));
  else if (isObject(node)) {
    for (const [key, child] of Object.entries(node)) {
      if (key === '$ref' && typeof child === 'string') out.push([child, where]);
      else allRefs(child, `${where}/${key}`, out);
    }
  }
  return out;
}

function pointer(...parts: string[]): string {
  return '#/' + parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');
}

/** JSON pointers (from the document root) of every schema that sits in a parameter, body or response. */
function operationSchemaPointers(): string[] {
  const pointers: string[] = [];
  for (const o of operations()) {
    const base = ['paths', o.path, o.method];
    const params = (o.op.parameters as Json[] | undefined) ?? [];
    params.forEach((p, i) => {
      if (isObject(p) && p.schema !== undefined) pointers.push(pointer(...base, 'parameters', String(i), 'schema'));
    });
    const body = o.op.requestBody;
    if (isObject(body) && isObject(body.content)) {
      for (const type of Object.keys(body.content)) pointers.push(pointer(...base, 'requestBody', 'content', type, 'schema'));
    }
    for (const [code, response] of Object.entries(asObject(o.op.responses, `${name(o)} responses`))) {
      if (isObject(response) && isObject(response.content)) {
        for (const type of Object.keys(response.content)) pointers.push(pointer(...base, 'responses', code, 'content', type, 'schema'));
      }
    }
  }
  const components = asObject(doc.components, 'components');
  for (const [key, p] of Object.entries(asObject(components.parameters, 'components.parameters'))) {
    if (isObject(p) && p.schema !== undefined) pointers.push(pointer('components', 'parameters', key, 'schema'));
  }
  for (const [key, r] of Object.entries(asObject(components.responses, 'components.responses'))) {
    if (isObject(r) && isObject(r.content)) {
      for (const type of Object.keys(r.content)) pointers.push(pointer('components', 'responses', key, 'content', type, 'schema'));
    }
  }
  return pointers;
}

const ajv = createApiAjv(doc as ApiDocument);

function validator(schemaName: string): ValidateFunction {
  return ajv.compile({ $ref: `tablao${pointer('components', 'schemas', schemaName)}` });
}

function check(schemaName: string, value: unknown): string | null {
  const validate = validator(schemaName);
  return validate(value) ? null : ajv.errorsText(validate.errors);
}

/** Walks a schema (following references, once each) and reports what a client could send unbounded. */
function unboundedParts(schema: Json | undefined, where: string, seen: Set<string>, out: string[]): void {
  if (!isObject(schema)) return;
  if (typeof schema.$ref === 'string') {
    if (!seen.has(schema.$ref)) {
      seen.add(schema.$ref);
      unboundedParts(resolvePointer(schema.$ref), schema.$ref, seen, out);
    }
  }
  const types = new Set(Array.isArray(schema.type) ? schema.type : schema.type !== undefined ? [schema.type] : []);
  const closed = schema.enum !== undefined || schema.const !== undefined;
  if (types.has('string') && !closed && schema.contentMediaType === undefined) {
    const boundedFormat = schema.format === 'uuid' || schema.format === 'date-time';
    if (schema.maxLength === undefined && !boundedFormat) out.push(`${where}: string without maxLength`);
  }
  if (types.has('array') && schema.maxItems === undefined) out.push(`${where}: array without maxItems`);
  if (types.has('integer') && !closed && (schema.minimum === undefined || schema.maximum === undefined)) {
    out.push(`${where}: integer without minimum and maximum`);
  }
  const open = schema.additionalProperties === true || isObject(schema.additionalProperties);
  if (types.has('object') && open && schema.maxProperties === undefined) out.push(`${where}: map without maxProperties`);

  for (const key of ['items', 'additionalProperties', 'propertyNames']) unboundedParts(schema[key], `${where}/${key}`, seen, out);
  for (const key of ['allOf', 'anyOf', 'oneOf']) {
    const list = schema[key];
    if (Array.isArray(list)) list.forEach((s, i) => unboundedParts(s, `${where}/${key}/${i}`, seen, out));
  }
  if (isObject(schema.properties)) {
    for (const [prop, s] of Object.entries(schema.properties)) unboundedParts(s, `${where}/properties/${prop}`, seen, out);
  }
}

describe('openapi/tablao.yaml', function () {
  describe('the document', function () {
    it('is OpenAPI 3.1 with our title, version and license', function () {
      assert.match(String(doc.openapi), /^3\.1\.\d+$/);
      const info = asObject(doc.info, 'info');
      assert.equal(info.title, 'Tablao Manager API');
      assert.equal(info.version, '0.1.0');
      assert.equal(asObject(info.license, 'info.license').identifier, 'GPL-3.0-or-later');
    });

    it('resolves every $ref', function () {
      const refs = allRefs(doc, '#');
      assert.ok(refs.length > 100, 'the document should use references');
      const broken = refs.filter(([ref]) => resolvePointer(ref) === undefined).map(([ref, where]) => `${where}: ${ref}`);
      assert.deepEqual(broken, []);
    });

    it('declares every tag it uses, and uses every tag it declares', function () {
      const declared = (doc.tags as Json[]).map((t) => asObject(t, 'tag').name);
      const used = new Set(operations().flatMap((o) => (o.op.tags as Json[] | undefined) ?? []));
      assert.deepEqual([...used].sort(), [...declared].sort());
    });
  });

  describe('operations', function () {
    it('each have a unique operationId, a tag and a 2xx response', function () {
      const ids = new Map<string, string>();
      for (const o of operations()) {
        const id = o.op.operationId;
        assert.equal(typeof id, 'string', `${name(o)} has no operationId`);
        assert.ok(!ids.has(id as string), `${name(o)} reuses operationId ${String(id)} of ${ids.get(id as string)}`);
        ids.set(id as string, name(o));
        assert.ok(Array.isArray(o.op.tags) && o.op.tags.length > 0, `${name(o)} has no tag`);
        const codes = Object.keys(asObject(o.op.responses, `${name(o)} responses`));
        assert.ok(codes.some((c) => /^2\d\d$/.test(c)), `${name(o)} has no 2xx response`);
      }
    });

    it('each document a 4xx with an error body, unless no client error is possible', function () {
      for (const o of operations()) {
        const id = o.op.operationId as string;
        const responses = asObject(o.op.responses, `${name(o)} responses`);
        const withErrorBody = Object.entries(responses).filter(([code, response]) => {
          if (!/^4\d\d$/.test(code)) return false;
          const content = deref(response, `${name(o)} ${code}`).content;
          if (!isObject(content) || !isObject(content['application/json'])) return false;
          const schema = asObject(content['application/json'].schema, `${name(o)} ${code} schema`);
          const refs = [schema, ...((schema.anyOf as Json[] | undefined) ?? [])].map((s) => (isObject(s) ? s.$ref : undefined));
          return refs.some((ref) => typeof ref === 'string' && ERROR_SCHEMAS.has(ref.split('/').pop() ?? ''));
        });
        const any4xx = Object.keys(responses).some((c) => /^4\d\d$/.test(c));
        if (NO_CLIENT_ERROR_POSSIBLE.has(id)) {
          assert.equal(any4xx, false, `${id} is listed as taking no input but documents a 4xx; take it off the list`);
          assert.equal(allParameters(o).length, 0, `${id} takes parameters, so a 4xx is possible`);
          assert.equal(o.op.requestBody, undefined, `${id} takes a body, so a 4xx is possible`);
        } else {
          assert.ok(withErrorBody.length > 0, `${name(o)} documents no 4xx with an error body`);
        }
        assert.ok(responses.default !== undefined, `${name(o)} has no default (5xx) response`);
      }
    });

    it('declare every path template variable as a path parameter', function () {
      for (const o of operations()) {
        const inPath = [...o.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
        const declared = allParameters(o).filter((p) => p.in === 'path').map((p) => p.name).sort();
        assert.deepEqual(declared, inPath, name(o));
        for (const p of allParameters(o).filter((p) => p.in === 'path')) assert.equal(p.required, true, `${name(o)} ${String(p.name)}`);
      }
    });

    it('include every Flamenco 3.9 operation with its method, path and operationId', function () {
      assert.equal(FLAMENCO_OPERATIONS.length, 57);
      const paths = asObject(doc.paths, 'paths');
      for (const [method, path, operationId] of FLAMENCO_OPERATIONS) {
        const item = asObject(paths[path], `path ${path}`);
        const op = asObject(item[method], `${method.toUpperCase()} ${path}`);
        assert.equal(op.operationId, operationId, `${method.toUpperCase()} ${path}`);
        assert.notEqual(op['x-tablao-extension'], true, `${operationId} is Flamenco's, not an extension`);
      }
    });

    it('mark every other operation as a Tablao extension, under /api/v3/', function () {
      const flamenco = new Set(FLAMENCO_OPERATIONS.map(([method, path]) => `${method} ${path}`));
      const extensions = operations().filter((o) => !flamenco.has(`${o.method} ${o.path}`));
      assert.ok(extensions.length > 0);
      for (const o of extensions) {
        assert.ok(isExtension(o), `${name(o)} is not Flamenco's, so it must say x-tablao-extension: true`);
      }
      for (const o of operations().filter(isExtension)) {
        assert.ok(o.path.startsWith('/api/v3/'), `${name(o)} is an extension outside /api/v3/`);
        assert.match(String(o.op.description), /^Tablao extension/, `${name(o)} should say it is a Tablao extension`);
      }
    });

    it('require worker credentials on every worker call except registration, and nowhere else', function () {
      const scheme = asObject(asObject(asObject(doc.components, 'components').securitySchemes, 'securitySchemes').worker_auth, 'worker_auth');
      assert.equal(scheme.type, 'http');
      assert.equal(scheme.scheme, 'basic');
      assert.equal(doc.security, undefined, 'no document-wide security: only workers authenticate');
      for (const o of operations()) {
        const needsAuth = o.path.startsWith('/api/v3/worker/') && o.op.operationId !== 'registerWorker';
        const security = JSON.stringify(o.op.security ?? []);
        assert.equal(security, needsAuth ? '[{"worker_auth":[]}]' : '[]', name(o));
        if (needsAuth) assert.ok(asObject(o.op.responses, name(o))['403'] !== undefined, `${name(o)} should document 403`);
      }
    });
  });

  describe('schemas', function () {
    it('all compile with ajv (JSON Schema 2020-12, strict)', function () {
      const schemas = asObject(asObject(doc.components, 'components').schemas, 'components.schemas');
      for (const schemaName of Object.keys(schemas)) {
        assert.doesNotThrow(() => validator(schemaName), schemaName);
      }
      const pointers = operationSchemaPointers();
      assert.ok(pointers.length > 150);
      for (const p of pointers) assert.doesNotThrow(() => ajv.compile({ $ref: `tablao${p}` }), p);
    });

    it('accept their own examples', function () {
      const schemas = asObject(asObject(doc.components, 'components').schemas, 'components.schemas');
      let count = 0;
      for (const [schemaName, schema] of Object.entries(schemas)) {
        const examples = asObject(schema, schemaName).examples;
        if (examples === undefined) continue;
        assert.ok(Array.isArray(examples), `${schemaName}.examples should be a list (JSON Schema 2020-12)`);
        for (const example of examples) {
          assert.equal(check(schemaName, example), null, `${schemaName} example`);
          count++;
        }
      }
      assert.ok(count >= 6);
    });

    it('never make a list of itself (generated TypeScript types would be circular)', function () {
      const schemas = asObject(asObject(doc.components, 'components').schemas, 'components.schemas');
      for (const [schemaName, schema] of Object.entries(schemas)) {
        const items = asObject(schema, schemaName).items;
        const self = pointer('components', 'schemas', schemaName);
        assert.ok(!isObject(items) || items.$ref !== self, `${schemaName}.items refers to ${schemaName}`);
      }
    });

    it('bound everything a client sends: strings, arrays, maps and integers', function () {
      const problems: string[] = [];
      for (const o of operations()) {
        for (const p of allParameters(o)) unboundedParts(p.schema, `${name(o)} parameter ${String(p.name)}`, new Set(), problems);
        const body = o.op.requestBody;
        if (isObject(body) && isObject(body.content)) {
          for (const [type, media] of Object.entries(body.content)) {
            unboundedParts(asObject(media, type).schema, `${name(o)} body ${type}`, new Set(), problems);
          }
        }
      }
      assert.deepEqual(problems, []);
    });

    it('close the request bodies of Tablao extensions to unknown fields', function () {
      for (const o of operations().filter(isExtension)) {
        const body = o.op.requestBody;
        if (!isObject(body)) continue;
        const schema = deref(asObject(asObject(asObject(body.content, 'content')['application/json'], 'json').schema, 'schema'), name(o));
        assert.equal(schema.additionalProperties, false, `${name(o)} body should reject unknown fields`);
      }
    });
  });

  describe('validates requests as Flamenco clients send them', function () {
    const job = {
      name: 'scene123 lighting pass',
      type: 'simple-blender-render',
      priority: 50,
      submitter_platform: 'linux',
      type_etag: 'c0ffee',
      settings: { blendfile: '/render/jobs/scene123.blend', frames: '1-10', chunk_size: 3, has_previews: false, fps: 24.0 },
      metadata: { 'user.name': 'Ana Ruiz', project: 'Sierra' },
      initial_status: 'queued',
    };

    it('accepts a valid SubmittedJob', function () {
      assert.equal(check('SubmittedJob', job), null);
    });

    it('refuses a SubmittedJob with priority 101, or without a name', function () {
      assert.match(check('SubmittedJob', { ...job, priority: 101 }) ?? '', /priority/);
      assert.notEqual(check('SubmittedJob', { ...job, priority: -1 }), null);
      const { name: _name, ...nameless } = job;
      assert.match(check('SubmittedJob', nameless) ?? '', /name/);
    });

    it('accepts a fetched Job submitted again (Flamenco ignores unknown fields)', function () {
      const fetched = { ...job, id: '3f2b3c1e-9a7d-4c55-8d2a-0c6f1b9e5a77', status: 'completed', activity: '', steps_completed: 10, steps_total: 10 };
      assert.equal(check('SubmittedJob', fetched), null);
    });

    it('refuses settings and metadata beyond their bounds', function () {
      const tooMany = Object.fromEntries(Array.from({ length: 257 }, (_, i) => [`s${i}`, i]));
      assert.notEqual(check('SubmittedJob', { ...job, settings: tooMany }), null);
      assert.notEqual(check('SubmittedJob', { ...job, metadata: { project: 42 } }), null);
      assert.notEqual(check('SubmittedJob', { ...job, worker_tag: 'not-a-uuid' }), null);
      const nested = { args: ['-b', ['x', 1]], range: { from: 1, to: [2, 3] }, deep: { a: { b: 'c' } } };
      assert.equal(check('SubmittedJob', { ...job, settings: nested }), null);
      assert.notEqual(check('SubmittedJob', { ...job, settings: { frames: 'x'.repeat(65537) } }), null);
      assert.equal(check('SubmittedJob', { ...job, worker_tag: '' }), null);
    });

    it('matches the AssignedTask example, and refuses one without commands', function () {
      const schema = asObject(asObject(asObject(doc.components, 'components').schemas, 'schemas').AssignedTask, 'AssignedTask');
      const example = asObject((schema.examples as Json[])[0], 'AssignedTask example');
      assert.equal(check('AssignedTask', example), null);
      const { commands: _commands, ...incomplete } = example;
      assert.notEqual(check('AssignedTask', incomplete), null);
    });

    it('takes the task updates a Flamenco worker sends, and refuses soft-failed', function () {
      assert.equal(check('TaskUpdate', { taskStatus: 'active', activity: 'Started' }), null);
      assert.equal(check('TaskUpdate', { activity: 'Progress', steps_completed: 3 }), null);
      assert.equal(check('TaskUpdate', { log: 'pid=12 > Fra:1 Mem:12M\n'.repeat(2000) }), null);
      assert.notEqual(check('TaskUpdate', { taskStatus: 'soft-failed' }), null);
      assert.notEqual(check('TaskUpdate', { steps_completed: -1 }), null);
    });

    it('takes a worker registration and sign-on', function () {
      const registration = { secret: 's3cret', platform: 'windows', supported_task_types: ['blender', 'ffmpeg', 'file-management', 'misc'], name: 'render-07' };
      assert.equal(check('WorkerRegistration', registration), null);
      assert.equal(check('WorkerSignOn', { name: 'render-07', supported_task_types: ['blender'], software_version: '3.9', can_restart: false }), null);
    });

    it('checks sleep schedules and Shaman paths as Flamenco does', function () {
      const schedule = { is_active: true, days_of_week: 'mo tu we', start_time: '9:00', end_time: '24:00' };
      assert.equal(check('WorkerSleepSchedule', schedule), null);
      assert.equal(check('WorkerSleepSchedule', { ...schedule, days_of_week: '', start_time: '', end_time: '' }), null);
      assert.notEqual(check('WorkerSleepSchedule', { ...schedule, days_of_week: 'm' }), null);
      assert.notEqual(check('WorkerSleepSchedule', { ...schedule, start_time: '25:00' }), null);
      const files = [{ sha: 'a'.repeat(64), size: 1424, path: 'scene.blend' }];
      assert.equal(check('ShamanCheckout', { files, checkoutPath: 'sierra/sc010/abc123' }), null);
      assert.notEqual(check('ShamanCheckout', { files, checkoutPath: '/etc/passwd' }), null);
      assert.notEqual(check('ShamanCheckout', { files: [{ ...files[0], sha: 'xyz' }], checkoutPath: 'x' }), null);
    });
  });

  describe('validates our own bodies', function () {
    it('refuses unknown fields and bad names when creating a job type', function () {
      const source = 'const JOB_TYPE = { label: "Echo", settings: [] };\nfunction compileJob(job) {}\n';
      assert.equal(check('NewJobType', { name: 'acme-echo', source }), null);
      assert.notEqual(check('NewJobType', { name: 'acme-echo', source, sorce: source }), null);
      assert.notEqual(check('NewJobType', { name: '../echo', source }), null);
      assert.notEqual(check('NewJobType', { name: 'acme-echo', source: '' }), null);
    });

    it('reads a dry-run request and its answers', function () {
      assert.equal(check('JobDryRun', { job: { name: 'x', type: 'echo-sleep-test', priority: 50, submitter_platform: 'linux' }, now: '2026-01-02T15:04:05Z' }), null);
      assert.notEqual(check('JobDryRun', { job: { name: 'x', type: 'echo', priority: 50, submitter_platform: 'linux' }, now: 'yesterday' }), null);
      const compiled = {
        job: { name: 'x', type: 'echo-sleep-test', priority: 50, settings: { message: 'hi' }, metadata: {} },
        tasks: [
          {
            uuid: '8e3d1d8c-2f4a-4b7e-9c0e-5a6b7c8d9e0f',
            name: 'echo',
            type: 'misc',
            priority: 50,
            commands: [{ name: 'echo', parameters: { message: 'hi' }, totalStepCount: 0 }],
            dependencies: [],
          },
        ],
        log: [{ level: 'print', message: 'compiled 1 task' }],
      };
      assert.equal(check('CompiledJob', compiled), null);
      const error = { code: 422, kind: 'script', message: 'boom', location: { file: 'echo.js', line: 3, column: 5 } };
      assert.equal(check('CompileError', error), null);
      assert.equal(check('Error', error), null, 'a CompileError is also a Flamenco Error');
      assert.notEqual(check('CompileError', { ...error, kind: 'oops' }), null);
    });

    it('takes a test case with one expectation at most', function () {
      const job = { name: 'x', type: 'echo-sleep-test', priority: 50, submitter_platform: 'linux' };
      const error = { code: 422, kind: 'settings', message: 'missing', problems: [{ setting: 'message', message: 'required' }] };
      assert.equal(check('JobTypeTestInput', { name: 'records current output', job }), null);
      assert.equal(check('JobTypeTestInput', { name: 'refuses', job, expected_error: error }), null);
      const output = { job: { name: 'x', type: 't', priority: 50, settings: {}, metadata: {} }, tasks: [], log: [] };
      assert.notEqual(check('JobTypeTestInput', { name: 'both', job, expected_error: error, expected_output: output }), null);
    });

    it('pages with bounded limits', function () {
      assert.equal(check('JobsQuery', { offset: 0, limit: 50, status_in: ['queued', 'active'], order_by: ['-updated_at'] }), null);
      assert.notEqual(check('JobsQuery', { limit: 501 }), null);
      assert.notEqual(check('JobsQuery', { order_by: ['id; DROP TABLE jobs'] }), null);
      assert.equal(check('TasksQuery', { limit: 1000, status_in: ['failed'] }), null);
      assert.notEqual(check('TasksQuery', { limit: 1001 }), null);
    });
  });
});
