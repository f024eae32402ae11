// A job type's etag, computed the way Flamenco 3 does: the SHA-1 of the job type serialised by Go's
// encoding/json with `etag: ""`. Matching Go byte for byte keeps Tablao's etags equal to those a
// Flamenco manager serves for the same script, so add-ons that cached them keep working.

import { createHash } from 'node:crypto';
import { CompileError } from './errors.ts';
import type { JobSetting, JobTypeInfo, SubmittedJob } from './types.ts';

/**
 * Compact JSON as Go's `json.Marshal` writes it. Object keys come out sorted by code point, as Go
 * sorts map keys; Go writes struct fields in declaration order, which for Flamenco's API types is
 * alphabetical too, so a struct is passed here as an object holding only its non-omitted fields.
 * Properties whose value is `undefined` are left out.
 */
export function goJson(value: unknown): string {
  const out: string[] = [];
  write(value, out, 0);
  return out.join('');
}

/** Lowercase hex SHA-1 of the Go-style JSON of the job type, with an empty etag. */
export function jobTypeEtag(info: Omit<JobTypeInfo, 'etag'>): string {
  const doc = {
    description: info.description ?? undefined,
    etag: '',
    label: info.label,
    name: info.name,
    settings: info.settings === null ? null : info.settings.map(goSetting),
  };
  return createHash('sha1').update(goJson(doc), 'utf8').digest('hex');
}

/** Refuses a submission prepared against another version of the job type; no etag means no check. */
export function checkTypeEtag(submission: SubmittedJob, info: JobTypeInfo): void {
  const submitted: unknown = submission.type_etag;
  if (submitted === undefined || submitted === null || submitted === '') return;
  if (submitted === info.etag) return;
  const shown = typeof submitted === 'string' ? cut(submitted) : typeof submitted;
  throw new CompileError(
    'etag',
    `job type "${info.label}" (${info.name}) has changed on the manager since this job was prepared ` +
      `(the job was made for version ${shown}, the manager has ${info.etag}): refresh the job types ` +
      `(in Blender: the refresh button of the Tablao panel), check the job's settings, and submit it again`,
  );
}

// Go's AvailableJobSetting: pointer and interface fields are omitted only when nil (null/absent),
// so `required: false`, `default: 0` and `eval: ""` are written.
function goSetting(s: JobSetting): Record<string, unknown> {
  return {
    choices: s.choices ?? undefined,
    default: s.default ?? undefined,
    description: s.description ?? undefined,
    editable: s.editable ?? undefined,
    eval: s.eval ?? undefined,
    evalInfo: s.evalInfo
      ? { description: s.evalInfo.description ?? '', showLinkButton: s.evalInfo.showLinkButton ?? false }
      : undefined,
    key: s.key,
    label: s.label ?? undefined,
    propargs: s.propargs ?? undefined,
    required: s.required ?? undefined,
    subtype: s.subtype ?? undefined,
    type: s.type,
    visible: s.visible ?? undefined,
  };
}

const MAX_DEPTH = 1000;

function write(value: unknown, out: string[], depth: number): void {
  if (depth > MAX_DEPTH) throw new TypeError('goJson: value nested too deeply');
  switch (typeof value) {
    case 'string':
      out.push(goString(value));
      return;
    case 'number':
      out.push(goNumber(value));
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'object':
      break;
    default:
      throw new TypeError(`goJson: cannot write a ${typeof value}`);
  }
  if (value === null) {
    out.push('null');
    return;
  }
  if (Array.isArray(value)) {
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(',');
      const item: unknown = value[i];
      if (item === undefined) out.push('null');
      else write(item, out, depth + 1);
    }
    out.push(']');
    return;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort(compareCodePoints);
  out.push('{');
  let first = true;
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) continue;
    if (!first) out.push(',');
    first = false;
    out.push(goString(key), ':');
    write(item, out, depth + 1);
  }
  out.push('}');
}

// Go formats float64 like ECMAScript's Number-to-String (exponent form below 1e-6 and from 1e21,
// exponent not zero-padded: 1e-7, 1e+21), so String() matches for every finite number but -0.
// Whole numbers exported by the JS engine as int64 print the same for |x| < 2^53, and larger
// ones stay floats there.
function goNumber(n: number): string {
  if (!Number.isFinite(n)) throw new TypeError(`goJson: ${n} cannot be written as JSON`);
  if (Object.is(n, -0)) return '-0';
  return String(n);
}

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

function goString(s: string): string {
  // Go receives JS strings as UTF-8, with unpaired surrogates replaced by U+FFFD.
  const text = s.isWellFormed() ? s : s.toWellFormed();
  let result = '"';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const special = c < 0x20 || c === 0x22 || c === 0x5c || c === 0x3c || c === 0x3e || c === 0x26 ||
      c === 0x2028 || c === 0x2029;
    if (!special) continue;
    result += text.slice(start, i);
    const ch = text[i];
    result += SHORT_ESCAPES[ch] ?? '\\u' + c.toString(16).padStart(4, '0');
    start = i + 1;
  }
  return result + text.slice(start) + '"';
}

// Go sorts map keys by their UTF-8 bytes, i.e. by code point; JS compares UTF-16 code units,
// which differs only between surrogates (astral characters) and U+E000..U+FFFF.
function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

function cut(text: string): string {
  return JSON.stringify(text.length > 80 ? text.slice(0, 79) + '…' : text);
}
