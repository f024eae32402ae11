// The dry-run and submission form of a job type, generated from `JOB_TYPE.settings`, and the
// checks the manager makes on submission (compiler/src/settings): the type of each value, int32
// bounds, `choices`, `propargs.min/max`, and `required` once defaults are applied. Checking here
// first lets the form point at the field at fault before anything is sent.

import type { Schema } from '@tablao/api-client';

export type JobSetting = Schema<'AvailableJobSetting'>;

export const INT32_MIN = -(2 ** 31);
export const INT32_MAX = 2 ** 31 - 1;

export type FieldInput = 'text' | 'number' | 'checkbox' | 'select';

export interface SettingField {
  key: string;
  label: string;
  type: JobSetting['type'];
  input: FieldInput;
  subtype?: JobSetting['subtype'];
  choices?: string[];
  min?: number;
  max?: number;
  /** 1 for whole numbers, 'any' for floats. */
  step?: 1 | 'any';
  required: boolean;
  /** The default as the form shows it. */
  defaultValue?: FormValue;
  description?: string;
  /** Who normally fills the setting in: the add-on (`submission`) or only the script (`hidden`). */
  filledBy?: 'add-on' | 'script';
}

/** What an input holds: text as typed, or a checkbox's state. */
export type FormValue = string | boolean;

export type FormValues = Record<string, FormValue | undefined>;

export interface SettingProblem {
  setting: string;
  message: string;
}

export function formFields(settings: JobSetting[] | null | undefined): SettingField[] {
  return (settings ?? []).map((setting) => {
    const min = finiteNumber(setting.propargs?.min);
    const max = finiteNumber(setting.propargs?.max);
    const field: SettingField = {
      key: setting.key,
      label: typeof setting.label === 'string' && setting.label ? setting.label : labelOf(setting.key),
      type: setting.type,
      input: inputFor(setting),
      required: setting.required === true,
    };
    if (setting.subtype) field.subtype = setting.subtype;
    if (setting.type === 'string' && setting.choices) field.choices = [...setting.choices];
    if (setting.type === 'int32' || setting.type === 'float') {
      if (min !== undefined) field.min = min;
      if (max !== undefined) field.max = max;
      field.step = setting.type === 'int32' ? 1 : 'any';
    }
    const shown = formValueOf(setting.default);
    if (shown !== undefined) field.defaultValue = shown;
    if (typeof setting.description === 'string' && setting.description) field.description = setting.description;
    if (setting.visible === 'submission') field.filledBy = 'add-on';
    if (setting.visible === 'hidden') field.filledBy = 'script';
    return field;
  });
}

/** Blender's way of making a label of a key: `chunk_size` → "Chunk Size". */
export function labelOf(key: string): string {
  return key
    .split('_')
    .filter((word) => word !== '')
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join(' ');
}

function inputFor(setting: JobSetting): FieldInput {
  if (setting.type === 'bool') return 'checkbox';
  if (setting.type === 'string' && setting.choices && setting.choices.length > 0) return 'select';
  if (setting.type === 'int32' || setting.type === 'float') return 'number';
  return 'text';
}

function formValueOf(value: unknown): FormValue | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function finiteNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The values a new form starts with: each setting's default (checkboxes off without one). */
export function initialValues(fields: SettingField[]): FormValues {
  const values: FormValues = {};
  for (const field of fields) values[field.key] = field.defaultValue ?? (field.input === 'checkbox' ? false : '');
  return values;
}

/**
 * The job's `settings` from the form, and every problem the manager would report. An empty field
 * is left out, so that the manager applies the default; it is a problem only when the setting is
 * required and has no default.
 */
export function settingsFromForm(fields: SettingField[], values: FormValues): { settings: Record<string, unknown>; problems: SettingProblem[] } {
  const settings: Record<string, unknown> = {};
  const problems: SettingProblem[] = [];
  for (const field of fields) {
    const raw = values[field.key];
    if (field.input === 'checkbox') {
      if (typeof raw === 'boolean') settings[field.key] = raw;
      else if (field.required && field.defaultValue === undefined) problems.push({ setting: field.key, message: `"${field.label}" is required` });
      continue;
    }
    const text = typeof raw === 'string' ? raw : '';
    if (text.trim() === '' && field.type !== 'string') {
      if (field.required && field.defaultValue === undefined) problems.push({ setting: field.key, message: `"${field.label}" is required: fill it in` });
      continue;
    }
    if (text === '' && field.type === 'string') {
      if (field.required && field.defaultValue === undefined) problems.push({ setting: field.key, message: `"${field.label}" is required: fill it in` });
      continue;
    }
    const parsed = parseValue(field, text);
    if ('problem' in parsed) problems.push({ setting: field.key, message: parsed.problem });
    else settings[field.key] = parsed.value;
  }
  return { settings, problems };
}

function parseValue(field: SettingField, text: string): { value: unknown } | { problem: string } {
  const name = `"${field.label}"`;
  if (field.type === 'string') {
    if (field.choices && field.choices.length > 0 && !field.choices.includes(text)) {
      return { problem: `${name} must be one of ${field.choices.map((c) => JSON.stringify(c)).join(', ')}` };
    }
    return { value: text };
  }
  const trimmed = text.trim();
  if (field.type === 'int32') {
    if (!/^[+-]?\d+$/.test(trimmed)) return { problem: `${name} must be a whole number, not "${text}"` };
    const value = Number(trimmed);
    const min = Math.max(INT32_MIN, field.min ?? INT32_MIN);
    const max = Math.min(INT32_MAX, field.max ?? INT32_MAX);
    return withinBounds(name, value, min, max);
  }
  // float
  const value = Number(trimmed);
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed) || !Number.isFinite(value)) return { problem: `${name} must be a number, not "${text}"` };
  return withinBounds(name, value, field.min, field.max);
}

function withinBounds(name: string, value: number, min: number | undefined, max: number | undefined): { value: number } | { problem: string } {
  if (min !== undefined && value < min) return { problem: `${name} must be at least ${min}, not ${value}` };
  if (max !== undefined && value > max) return { problem: `${name} must be at most ${max}, not ${value}` };
  return { value };
}

/** Form values for a job's stored settings (a test case's, say): the reverse of settingsFromForm. */
export function valuesFromSettings(fields: SettingField[], settings: Record<string, unknown> | undefined): FormValues {
  const values = initialValues(fields);
  for (const field of fields) {
    const shown = formValueOf(settings?.[field.key]);
    if (shown !== undefined) values[field.key] = shown;
  }
  return values;
}
