// Turns the JOB_TYPE value of a script into the job type the manager serves. Like Flamenco, only
// the known fields are kept (unknown ones are dropped, `null` counts as absent); unlike Flamenco,
// a malformed JOB_TYPE is refused with a message that says what to change in the script.

import { CompileError } from './errors.ts';
import type { JobSetting, JobTypeInfo, SettingSubtype, SettingType, SettingVisibility } from './types.ts';

const TYPES: readonly SettingType[] = ['string', 'int32', 'float', 'bool'];
const SUBTYPES: readonly SettingSubtype[] = ['file_path', 'dir_path', 'file_name', 'hashed_file_path'];
const VISIBILITIES: readonly SettingVisibility[] = ['visible', 'hidden', 'submission', 'web'];
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

export function describeJobType(name: string, filename: string, raw: unknown): Omit<JobTypeInfo, 'etag'> {
  const problems: string[] = [];
  const info = readJobType(name, raw, problems);
  if (problems.length === 1) throw new CompileError('incomplete', `${filename}: ${problems[0]}`);
  if (problems.length > 1) {
    throw new CompileError(
      'incomplete',
      `${filename}: JOB_TYPE has ${problems.length} problems:\n` + listed(problems.map((p) => `- ${p}`)).join('\n'),
    );
  }
  return info;
}

const MAX_LINES = 20;

function listed(lines: string[]): string[] {
  if (lines.length <= MAX_LINES) return lines;
  return [...lines.slice(0, MAX_LINES), `… and ${lines.length - MAX_LINES} more`];
}

function readJobType(name: string, raw: unknown, problems: string[]): Omit<JobTypeInfo, 'etag'> {
  const info: Omit<JobTypeInfo, 'etag'> = { name, label: '', settings: null };
  if (!isRecord(raw)) {
    problems.push(
      `JOB_TYPE must be an object like { label: "My job type", settings: [ ... ] }, but it is ${show(raw)}`,
    );
    return info;
  }

  if (typeof raw.label !== 'string' || raw.label.trim() === '') {
    problems.push(
      `JOB_TYPE.label must be the job type's name for people, e.g. label: "Simple Blender Render", but it is ${show(raw.label)}`,
    );
  } else {
    info.label = raw.label;
  }

  if (present(raw.description)) {
    if (typeof raw.description === 'string') info.description = raw.description;
    else problems.push(`JOB_TYPE.description must be a string (the tooltip), but it is ${show(raw.description)}`);
  }

  if (present(raw.settings)) {
    if (!Array.isArray(raw.settings)) {
      problems.push(`JOB_TYPE.settings must be a list of settings, settings: [ { key: ..., type: ... } ], but it is ${show(raw.settings)}`);
    } else {
      const seen = new Map<string, number>();
      info.settings = raw.settings.map((item: unknown, index: number) => readSetting(item, index, seen, problems));
    }
  }
  return info;
}

function readSetting(raw: unknown, index: number, seen: Map<string, number>, problems: string[]): JobSetting {
  const at = `JOB_TYPE.settings[${index}]`;
  if (!isRecord(raw)) {
    problems.push(`${at} must be an object like { key: "frames", type: "string" }, but it is ${show(raw)}`);
    return { key: '', type: 'string' };
  }

  let key = '';
  if (typeof raw.key !== 'string' || raw.key === '') {
    problems.push(`${at} needs a key, the setting's name in job.settings, e.g. key: "frames", but its key is ${show(raw.key)}`);
  } else if (raw.key === '__proto__') {
    // JavaScript objects and JSON Schema validators treat this name specially.
    problems.push(`${at} has the key "__proto__", which cannot name a setting: choose another key`);
  } else {
    key = raw.key;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      problems.push(`${at} has the key ${JSON.stringify(key)}, like JOB_TYPE.settings[${earlier}]: give each setting its own key`);
    } else {
      seen.set(key, index);
    }
  }
  const where = key === '' ? at : `setting ${JSON.stringify(key)} (${at})`;
  const problem = (text: string) => problems.push(`${where}: ${text}`);

  const rawType = raw.type;
  const typeKnown = oneOf(TYPES, rawType);
  const type: SettingType = typeKnown ? rawType : 'string';
  if (!typeKnown) problem(`type must be one of ${list(TYPES)}, but it is ${show(rawType)}`);

  let choices: string[] | undefined;
  if (present(raw.choices)) {
    if (typeKnown && type !== 'string') {
      problem(`choices are only for settings of type "string"; remove them, or make the type "string"`);
    } else if (!Array.isArray(raw.choices) || raw.choices.length === 0 || !raw.choices.every((c) => typeof c === 'string')) {
      problem(`choices must be a non-empty list of strings, e.g. choices: ["PNG", "JPEG"], but it is ${show(raw.choices)}`);
    } else {
      choices = [...raw.choices];
    }
  }

  const propargs = readPropargs(raw.propargs, problem);
  let defaultValue: unknown;
  if (present(raw.default) && typeKnown && checkDefault(raw.default, type, choices, propargs, problem)) {
    defaultValue = copy(raw.default);
  }

  let editable: boolean | undefined;
  if (present(raw.editable)) {
    if (typeof raw.editable === 'boolean') editable = raw.editable;
    else problem(`editable must be true or false, but it is ${show(raw.editable)}`);
  }
  let evalExpression: string | undefined;
  if (present(raw.eval)) {
    if (typeof raw.eval === 'string') evalExpression = raw.eval;
    else problem(`eval must be a Python expression in a string, e.g. eval: "C.scene.name", but it is ${show(raw.eval)}`);
  }
  const evalInfo = present(raw.evalInfo) ? readEvalInfo(raw.evalInfo, problem) : undefined;
  let required: boolean | undefined;
  if (present(raw.required)) {
    if (typeof raw.required === 'boolean') required = raw.required;
    else problem(`required must be true or false, but it is ${show(raw.required)}`);
  }
  let subtype: SettingSubtype | undefined;
  if (present(raw.subtype)) {
    if (oneOf(SUBTYPES, raw.subtype)) subtype = raw.subtype;
    else problem(`subtype must be one of ${list(SUBTYPES)}, or left out, but it is ${show(raw.subtype)}`);
  }
  let visible: SettingVisibility | undefined;
  if (present(raw.visible)) {
    if (oneOf(VISIBILITIES, raw.visible)) visible = raw.visible;
    else problem(`visible must be one of ${list(VISIBILITIES)}, or left out, but it is ${show(raw.visible)}`);
  }

  // In Go's field order, the order the etag is computed in.
  return withoutUndefined({
    choices,
    default: defaultValue,
    description: present(raw.description) ? copy(raw.description) : undefined,
    editable,
    eval: evalExpression,
    evalInfo,
    key,
    label: present(raw.label) ? copy(raw.label) : undefined,
    propargs,
    required,
    subtype,
    type,
    visible,
  });
}

function readPropargs(raw: unknown, problem: (text: string) => void): Record<string, unknown> | undefined {
  if (!present(raw)) return undefined;
  if (!isRecord(raw)) {
    problem(`propargs must be an object of Blender property options, e.g. propargs: { min: 0, max: 32 }, but it is ${show(raw)}`);
    return undefined;
  }
  let ok = true;
  for (const bound of ['min', 'max'] as const) {
    if (bound in raw && !(typeof raw[bound] === 'number' && Number.isFinite(raw[bound]))) {
      problem(`propargs.${bound} must be a number, but it is ${show(raw[bound])}`);
      ok = false;
    }
  }
  if (ok && typeof raw.min === 'number' && typeof raw.max === 'number' && raw.min > raw.max) {
    problem(`propargs.min (${raw.min}) is larger than propargs.max (${raw.max}); swap them`);
    ok = false;
  }
  return ok ? (copy(raw) as Record<string, unknown>) : undefined;
}

function checkDefault(
  value: unknown,
  type: SettingType,
  choices: readonly string[] | undefined,
  propargs: Record<string, unknown> | undefined,
  problem: (text: string) => void,
): boolean {
  const fix = 'change the default or the type';
  switch (type) {
    case 'string':
      if (typeof value !== 'string') return fail(`default must be a string, as the type is "string", but it is ${show(value)}; ${fix}`);
      if (choices && !choices.includes(value)) {
        return fail(`default ${show(value)} is not one of the choices ${list(choices)}; make it one of them`);
      }
      return true;
    case 'bool':
      if (typeof value !== 'boolean') return fail(`default must be true or false, as the type is "bool", but it is ${show(value)}; ${fix}`);
      return true;
    case 'int32':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) {
        return fail(`default must be a whole number from ${INT32_MIN} to ${INT32_MAX}, as the type is "int32", but it is ${show(value)}; ${fix}`);
      }
      break;
    case 'float':
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        return fail(`default must be a number, as the type is "float", but it is ${show(value)}; ${fix}`);
      }
      break;
  }
  const n = value as number;
  if (typeof propargs?.min === 'number' && n < propargs.min) {
    return fail(`default ${n} is below propargs.min (${propargs.min}); change the default or the minimum`);
  }
  if (typeof propargs?.max === 'number' && n > propargs.max) {
    return fail(`default ${n} is above propargs.max (${propargs.max}); change the default or the maximum`);
  }
  return true;

  function fail(text: string): false {
    problem(text);
    return false;
  }
}

function readEvalInfo(raw: unknown, problem: (text: string) => void): JobSetting['evalInfo'] | undefined {
  const example = 'evalInfo: { showLinkButton: true, description: "Scene frame range" }';
  if (!isRecord(raw)) {
    problem(`evalInfo must be an object like ${example}, but it is ${show(raw)}`);
    return undefined;
  }
  // Go fills missing fields with false and "", so those are accepted.
  const showLinkButton = raw.showLinkButton ?? false;
  const description = raw.description ?? '';
  let ok = true;
  if (typeof showLinkButton !== 'boolean') {
    problem(`evalInfo.showLinkButton must be true or false, but it is ${show(showLinkButton)}`);
    ok = false;
  }
  if (typeof description !== 'string') {
    problem(`evalInfo.description must be a string, but it is ${show(description)}`);
    ok = false;
  }
  return ok ? { showLinkButton: showLinkButton as boolean, description: description as string } : undefined;
}

function withoutUndefined<T extends object>(record: T): T {
  for (const key of Object.keys(record) as (keyof T)[]) {
    if (record[key] === undefined) delete record[key];
  }
  return record;
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function oneOf<T extends string>(allowed: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}

function list(values: readonly string[]): string {
  return values.map((v) => JSON.stringify(v)).join(', ');
}

function copy(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? structuredClone(value) : value;
}

function show(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  const cut = (text: string) => (text.length > 80 ? text.slice(0, 79) + '…' : text);
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
  if (Array.isArray(value)) return `${text} (a list)`;
  if (typeof value === 'object') return `${text} (an object)`;
  return `${text} (a ${typeof value === 'boolean' ? 'boolean' : typeof value})`;
}
