// Checks a submission's settings against its job type (Flamenco does not; Tablao refuses a bad job
// before the script runs, with one problem per setting at fault).
//
// Absent means missing or `undefined`. `null` means "not set" as well: the setting's default
// replaces it; a required setting without a default is then reported as missing; a setting that
// is neither required nor has a default keeps its `null`, which the script sees as in Flamenco.

import { Ajv } from 'ajv';
import type { ErrorObject, SchemaObject, ValidateFunction } from 'ajv';
import { CompileError } from '../errors.ts';
import type { SettingProblem } from '../errors.ts';
import { jobTypeEtag } from '../etag.ts';
import type { JobSetting, JobTypeInfo } from '../types.ts';
import { INT32_MAX, INT32_MIN, settingsSchema } from './schema.ts';

interface Validator {
  schema: SchemaObject;
  validate: ValidateFunction;
  settings: Map<string, { setting: JobSetting; index: number }>;
}

const CACHE_SIZE = 200;
// ownProperties: a setting named like an Object.prototype member ("constructor") is not
// "present" just because every object inherits one.
const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, ownProperties: true });
const validators = new Map<string, Validator>();

/** The submission's settings with defaults applied, as a new object; throws when they do not fit. */
export function applySettings(info: JobTypeInfo, settings: Record<string, unknown> | undefined): Record<string, unknown> {
  const given: unknown = settings;
  let source: Record<string, unknown> = {};
  if (given !== undefined && given !== null) {
    if (!isRecord(given)) {
      const message = `the job's settings must be an object of setting values, like {"frames": "1-10"}, but the job has ${show(given, 'object')}`;
      throw settingsError(info, [{ setting: '', message }]);
    }
    source = given;
  }
  // Spreading defines own properties, so a "__proto__" key stays data and cannot swap the prototype.
  const result: Record<string, unknown> = { ...source };
  for (const setting of info.settings ?? []) {
    if (setting.default === undefined || setting.default === null) continue;
    const current = Object.hasOwn(result, setting.key) ? result[setting.key] : undefined;
    if (current !== undefined && current !== null) continue;
    Object.defineProperty(result, setting.key, {
      value: typeof setting.default === 'object' ? structuredClone(setting.default) : setting.default,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }

  const validator = validatorFor(info);
  if (!validator.validate(result)) {
    throw settingsError(info, problemsOf(validator, result, validator.validate.errors ?? []));
  }
  return result;
}

function validatorFor(info: JobTypeInfo): Validator {
  const key = `${info.name}\n${info.etag || jobTypeEtag(info)}`;
  const cached = validators.get(key);
  if (cached) {
    validators.delete(key);
    validators.set(key, cached);
    return cached;
  }
  const schema = settingsSchema(info);
  const validator: Validator = {
    schema,
    validate: ajv.compile(schema),
    settings: new Map((info.settings ?? []).map((setting, index) => [setting.key, { setting, index }])),
  };
  validators.set(key, validator);
  if (validators.size > CACHE_SIZE) {
    const [oldestKey, oldest] = validators.entries().next().value as [string, Validator];
    validators.delete(oldestKey);
    ajv.removeSchema(oldest.schema);
  }
  return validator;
}

// When one setting fails several keywords (3.5 where an int32 at most 2 is expected), the
// first of these is reported.
const PRIORITY: Readonly<Record<string, number>> = { required: 0, type: 1, enum: 2, minimum: 3, maximum: 3 };

function problemsOf(validator: Validator, data: Record<string, unknown>, errors: ErrorObject[]): SettingProblem[] {
  const worst = new Map<string, ErrorObject>();
  for (const error of errors) {
    const key = error.keyword === 'required' ? String(error.params.missingProperty) : pointerKey(error.instancePath);
    const earlier = worst.get(key);
    if (!earlier || rank(error) < rank(earlier)) worst.set(key, error);
  }
  const problems = [...worst].map(([key, error]) => ({
    index: validator.settings.get(key)?.index ?? Number.MAX_SAFE_INTEGER,
    problem: { setting: key, message: describeError(key, validator.settings.get(key)?.setting, data[key], error) },
  }));
  problems.sort((a, b) => a.index - b.index);
  return problems.map((p) => p.problem);
}

function rank(error: ErrorObject): number {
  return PRIORITY[error.keyword] ?? 9;
}

function describeError(key: string, setting: JobSetting | undefined, value: unknown, error: ErrorObject): string {
  const name = `setting ${JSON.stringify(key)}`;
  if (!setting) return `${name} ${error.message ?? 'is not valid'}`;
  const missing = error.keyword === 'required' || (value === null && setting.required === true);
  if (missing) {
    const about = typeof setting.description === 'string' ? setting.description : setting.label;
    const hint = typeof about === 'string' && about.trim() !== '' ? ` (${cut(about.trim())})` : '';
    return `${name} is required${hint}: set it in the submission`;
  }
  const expected = EXPECTED[setting.type];
  switch (error.keyword) {
    case 'type':
      return `${name} must be ${expected.text}, but the job has ${show(value, expected.kind)}`;
    case 'enum': {
      const choices = setting.choices ?? [];
      const shown = choices.slice(0, 12).map((c) => JSON.stringify(cut(c))).join(', ') + (choices.length > 12 ? ', …' : '');
      return `${name} must be one of ${shown}, but the job has ${show(value, expected.kind)}`;
    }
    case 'minimum':
    case 'maximum': {
      const limit = Number(error.params.limit);
      const atLeast = error.keyword === 'minimum';
      const int32Limit =
        setting.type === 'int32' && (atLeast ? limit === INT32_MIN : limit === INT32_MAX) &&
        setting.propargs?.[atLeast ? 'min' : 'max'] !== limit;
      const bound = int32Limit ? ` (the ${atLeast ? 'smallest' : 'largest'} int32)` : '';
      return `${name} must be ${atLeast ? 'at least' : 'at most'} ${limit}${bound}, but the job has ${show(value, expected.kind)}`;
    }
    default:
      return `${name} ${error.message ?? 'is not valid'}, but the job has ${show(value, expected.kind)}`;
  }
}

type Kind = 'string' | 'number' | 'boolean' | 'object';

const EXPECTED: Readonly<Record<JobSetting['type'], { text: string; kind: Kind }>> = {
  string: { text: 'a string', kind: 'string' },
  int32: { text: 'a whole number (int32)', kind: 'number' },
  float: { text: 'a number (float)', kind: 'number' },
  bool: { text: 'true or false (bool)', kind: 'boolean' },
};

const MAX_LINES = 20;

function settingsError(info: JobTypeInfo, problems: SettingProblem[]): CompileError {
  const heading =
    problems.length === 1
      ? `the job's settings do not fit job type "${info.label}" (${info.name}):`
      : `the job's settings do not fit job type "${info.label}" (${info.name}), ${problems.length} problems:`;
  const lines = problems.slice(0, MAX_LINES).map((p) => `- ${p.message}`);
  if (problems.length > MAX_LINES) lines.push(`… and ${problems.length - MAX_LINES} more`);
  return new CompileError('settings', [heading, ...lines].join('\n'), { problems });
}

/** The value as JSON, cut short, with its kind added when that is not the kind expected. */
function show(value: unknown, expected: Kind): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  let text: string;
  if (typeof value === 'string') {
    text = JSON.stringify(cut(value));
  } else {
    try {
      text = cut(JSON.stringify(value) ?? String(value));
    } catch {
      text = cut(String(value));
    }
  }
  const kind = Array.isArray(value) ? 'array' : typeof value;
  if (kind === expected) return text;
  const noun = { array: 'a list', object: 'an object', string: 'a string', number: 'a number', boolean: 'a boolean' }[
    kind as string
  ];
  return noun ? `${text} (${noun})` : text;
}

function cut(text: string, max = 80): string {
  if (text.length <= max) return text;
  const end = /[\ud800-\udbff]/.test(text[max - 2]) ? max - 2 : max - 1;
  return text.slice(0, end) + '…';
}

function pointerKey(pointer: string): string {
  // Settings sit at the top level, so the pointer is "/<key>" with "~" and "/" escaped.
  return pointer.slice(1).replaceAll('~1', '/').replaceAll('~0', '~');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
