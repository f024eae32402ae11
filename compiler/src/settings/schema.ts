// The JSON Schema (draft-07, what ajv 8's default class takes) that a job's settings must match once
// defaults are applied. Settings the job type does not declare are allowed and kept, as in Flamenco.
// `null` is accepted for a setting that is not required: it means "not set" (see validate.ts).

import type { SchemaObject } from 'ajv';
import type { JobSetting, JobTypeInfo } from '../types.ts';

export const INT32_MIN = -(2 ** 31);
export const INT32_MAX = 2 ** 31 - 1;

const JSON_TYPES = { string: 'string', int32: 'integer', float: 'number', bool: 'boolean' } as const;

export function settingsSchema(info: JobTypeInfo): SchemaObject {
  const settings = info.settings ?? [];
  return {
    type: 'object',
    // fromEntries defines own properties, so even a key like "__proto__" stays a plain key.
    properties: Object.fromEntries(settings.map((s) => [s.key, settingSchema(s)])),
    required: settings.filter((s) => s.required === true).map((s) => s.key),
  };
}

function settingSchema(setting: JobSetting): SchemaObject {
  const nullable = setting.required !== true;
  const jsonType = JSON_TYPES[setting.type];
  const schema: SchemaObject = { type: nullable ? [jsonType, 'null'] : jsonType };

  if (setting.type === 'string' && setting.choices) {
    schema.enum = nullable ? [...setting.choices, null] : [...setting.choices];
  }
  if (setting.type === 'int32' || setting.type === 'float') {
    // soft_min/soft_max only limit Blender's slider, so only min/max are enforced.
    const min = numberOrUndefined(setting.propargs?.min);
    const max = numberOrUndefined(setting.propargs?.max);
    if (setting.type === 'int32') {
      schema.minimum = Math.max(INT32_MIN, min ?? INT32_MIN);
      schema.maximum = Math.min(INT32_MAX, max ?? INT32_MAX);
    } else {
      if (min !== undefined) schema.minimum = min;
      if (max !== undefined) schema.maximum = max;
    }
  }
  return schema;
}

function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
