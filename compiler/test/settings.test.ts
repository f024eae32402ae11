import assert from 'node:assert/strict';
import { Ajv } from 'ajv';
import { CompileError } from '../src/errors.ts';
import type { SettingProblem } from '../src/errors.ts';
import { jobTypeEtag } from '../src/etag.ts';
import { describeJobType } from '../src/job-type-info.ts';
import { settingsSchema } from '../src/settings/schema.ts';
import { applySettings } from '../src/settings/validate.ts';
import type { JobTypeInfo } from '../src/types.ts';

function jobType(name: string, settings: unknown[]): JobTypeInfo {
  const info = describeJobType(name, `${name}.js`, { label: `Label of ${name}`, settings });
  return { ...info, etag: jobTypeEtag(info) };
}

const RENDER = jobType('render', [
  { key: 'frames', type: 'string', required: true, description: "Frame range to render. Examples: '47', '1-30', '3, 5-10, 47-327'" },
  { key: 'chunk_size', type: 'int32', default: 1 },
  { key: 'add_path_components', type: 'int32', required: true, default: 0, propargs: { min: 0, max: 32 } },
  { key: 'format', type: 'string', required: true, choices: ['PNG', 'JPEG'] },
  { key: 'fps', type: 'float', propargs: { min: 0.5, soft_max: 60 } },
  { key: 'has_previews', type: 'bool' },
  { key: 'scene', type: 'string', label: 'Scene name' },
]);

const VALID = { frames: '1-10', format: 'PNG' };

function problemsOf(info: JobTypeInfo, settings: unknown): { error: CompileError; problems: SettingProblem[] } {
  try {
    applySettings(info, settings as Record<string, unknown>);
  } catch (error) {
    assert.ok(error instanceof CompileError, `expected a CompileError, got ${String(error)}`);
    assert.equal(error.kind, 'settings');
    assert.ok(error.problems && error.problems.length > 0, 'the error lists its problems');
    return { error, problems: error.problems };
  }
  assert.fail('the settings were accepted');
}

function onlyProblem(info: JobTypeInfo, settings: unknown): SettingProblem {
  const { problems } = problemsOf(info, settings);
  assert.equal(problems.length, 1, JSON.stringify(problems));
  return problems[0];
}

describe('settingsSchema', () => {
  it('derives types, bounds, choices and required keys, and is a schema ajv compiles', () => {
    const schema = settingsSchema(RENDER);
    assert.deepEqual(schema.required, ['frames', 'add_path_components', 'format']);
    assert.deepEqual(schema.properties.frames, { type: 'string' });
    assert.deepEqual(schema.properties.chunk_size, { type: ['integer', 'null'], minimum: -(2 ** 31), maximum: 2 ** 31 - 1 });
    assert.deepEqual(schema.properties.add_path_components, { type: 'integer', minimum: 0, maximum: 32 });
    assert.deepEqual(schema.properties.format, { type: 'string', enum: ['PNG', 'JPEG'] });
    assert.deepEqual(schema.properties.fps, { type: ['number', 'null'], minimum: 0.5 });
    assert.deepEqual(schema.properties.has_previews, { type: ['boolean', 'null'] });
    assert.notEqual(schema.additionalProperties, false);
    const validate = new Ajv({ strict: true, allowUnionTypes: true }).compile(schema);
    assert.equal(validate({ frames: '1', add_path_components: 3, format: 'JPEG', extra: [1] }), true);
    assert.equal(validate({ frames: '1', add_path_components: 33, format: 'JPEG' }), false);
  });

  it('has no properties and nothing required for a job type without settings', () => {
    const schema = settingsSchema({ name: 'n', label: 'N', settings: null, etag: '' });
    assert.deepEqual(schema, { type: 'object', properties: {}, required: [] });
  });
});

describe('applySettings', () => {
  it('returns a new object with defaults applied, leaving the input alone', () => {
    const input = { ...VALID };
    const result = applySettings(RENDER, input);
    assert.deepEqual(result, { frames: '1-10', format: 'PNG', chunk_size: 1, add_path_components: 0 });
    assert.notEqual(result, input);
    assert.deepEqual(input, VALID);
    result.frames = 'changed';
    assert.equal(input.frames, '1-10');
  });

  it('keeps given values over defaults, including false, 0 and ""', () => {
    const result = applySettings(RENDER, { ...VALID, chunk_size: 0, add_path_components: 32, has_previews: false, scene: '' });
    assert.equal(result.chunk_size, 0);
    assert.equal(result.add_path_components, 32);
    assert.equal(result.has_previews, false);
    assert.equal(result.scene, '');
  });

  it('applies defaults for settings given as undefined or null', () => {
    const result = applySettings(RENDER, { ...VALID, chunk_size: undefined, add_path_components: null });
    assert.equal(result.chunk_size, 1);
    assert.equal(result.add_path_components, 0);
  });

  it('keeps null for a setting that is neither required nor has a default', () => {
    const result = applySettings(RENDER, { ...VALID, scene: null, fps: null, has_previews: null });
    assert.equal(result.scene, null);
    assert.equal(result.fps, null);
    assert.equal(result.has_previews, null);
  });

  it('keeps settings the job type does not declare', () => {
    const result = applySettings(RENDER, { ...VALID, extra: { nested: [1, 2] }, other: 'x' });
    assert.deepEqual(result.extra, { nested: [1, 2] });
    assert.equal(result.other, 'x');
  });

  it('treats absent settings as an empty object', () => {
    const info = jobType('optional', [{ key: 'n', type: 'int32', default: 3 }]);
    assert.deepEqual(applySettings(info, undefined), { n: 3 });
    assert.deepEqual(applySettings(info, null as unknown as undefined), { n: 3 });
    assert.deepEqual(applySettings({ name: 'x', label: 'X', settings: null, etag: '' }, { a: 1 }), { a: 1 });
  });

  it('accepts int32 bounds and whole floats, and floats for float settings', () => {
    assert.equal(applySettings(RENDER, { ...VALID, chunk_size: 2 ** 31 - 1 }).chunk_size, 2 ** 31 - 1);
    assert.equal(applySettings(RENDER, { ...VALID, chunk_size: -(2 ** 31) }).chunk_size, -(2 ** 31));
    assert.equal(applySettings(RENDER, { ...VALID, chunk_size: 3.0 }).chunk_size, 3);
    assert.equal(applySettings(RENDER, { ...VALID, fps: 23.976 }).fps, 23.976);
    assert.equal(applySettings(RENDER, { ...VALID, fps: 24 }).fps, 24);
  });

  describe('refuses settings that do not fit, naming the setting', () => {
    it('a string where a whole number is expected', () => {
      assert.deepEqual(onlyProblem(RENDER, { ...VALID, chunk_size: '3' }), {
        setting: 'chunk_size',
        message: 'setting "chunk_size" must be a whole number (int32), but the job has "3" (a string)',
      });
    });

    it('a fraction for an int32', () => {
      assert.equal(onlyProblem(RENDER, { ...VALID, chunk_size: 2.5 }).message, 'setting "chunk_size" must be a whole number (int32), but the job has 2.5');
    });

    it('a fraction that is also out of bounds gives one problem, about the type', () => {
      const problem = onlyProblem(RENDER, { ...VALID, add_path_components: 40.5 });
      assert.equal(problem.message, 'setting "add_path_components" must be a whole number (int32), but the job has 40.5');
    });

    it('a number outside int32', () => {
      assert.equal(
        onlyProblem(RENDER, { ...VALID, chunk_size: 2 ** 31 }).message,
        'setting "chunk_size" must be at most 2147483647 (the largest int32), but the job has 2147483648',
      );
      assert.equal(
        onlyProblem(RENDER, { ...VALID, chunk_size: -(2 ** 31) - 1 }).message,
        'setting "chunk_size" must be at least -2147483648 (the smallest int32), but the job has -2147483649',
      );
    });

    it('values above propargs.max and below propargs.min', () => {
      assert.deepEqual(onlyProblem(RENDER, { ...VALID, add_path_components: 40 }), {
        setting: 'add_path_components',
        message: 'setting "add_path_components" must be at most 32, but the job has 40',
      });
      assert.equal(onlyProblem(RENDER, { ...VALID, add_path_components: -1 }).message, 'setting "add_path_components" must be at least 0, but the job has -1');
      assert.equal(onlyProblem(RENDER, { ...VALID, fps: 0.25 }).message, 'setting "fps" must be at least 0.5, but the job has 0.25');
    });

    it('soft_min and soft_max are not enforced', () => {
      assert.equal(applySettings(RENDER, { ...VALID, fps: 120 }).fps, 120);
    });

    it('a value that is not one of the choices', () => {
      assert.deepEqual(onlyProblem(RENDER, { frames: '1', format: 'TIFF' }), {
        setting: 'format',
        message: 'setting "format" must be one of "PNG", "JPEG", but the job has "TIFF"',
      });
    });

    it('a float, bool or string of the wrong type', () => {
      assert.equal(onlyProblem(RENDER, { ...VALID, fps: '24' }).message, 'setting "fps" must be a number (float), but the job has "24" (a string)');
      assert.equal(onlyProblem(RENDER, { ...VALID, has_previews: 1 }).message, 'setting "has_previews" must be true or false (bool), but the job has 1 (a number)');
      assert.equal(onlyProblem(RENDER, { ...VALID, has_previews: 'true' }).message, 'setting "has_previews" must be true or false (bool), but the job has "true" (a string)');
      assert.equal(onlyProblem(RENDER, { ...VALID, scene: ['a'] }).message, 'setting "scene" must be a string, but the job has ["a"] (a list)');
      assert.equal(onlyProblem(RENDER, { ...VALID, scene: { a: 1 } }).message, 'setting "scene" must be a string, but the job has {"a":1} (an object)');
    });

    it('a required setting that is missing, with its description', () => {
      assert.deepEqual(onlyProblem(RENDER, { format: 'PNG' }), {
        setting: 'frames',
        message: `setting "frames" is required (Frame range to render. Examples: '47', '1-30', '3, 5-10, 47-327'): set it in the submission`,
      });
    });

    it('a required setting given as null or undefined, without a default', () => {
      assert.equal(onlyProblem(RENDER, { ...VALID, frames: null }).setting, 'frames');
      assert.match(onlyProblem(RENDER, { ...VALID, frames: null }).message, /^setting "frames" is required \(Frame range/);
      assert.match(onlyProblem(RENDER, { ...VALID, frames: undefined }).message, /^setting "frames" is required/);
    });

    it('a required setting is satisfied by its default', () => {
      assert.equal(applySettings(RENDER, VALID).add_path_components, 0);
    });

    it('a required setting without description or label', () => {
      const info = jobType('bare', [{ key: 'x', type: 'string', required: true }]);
      assert.equal(onlyProblem(info, {}).message, 'setting "x" is required: set it in the submission');
    });

    it('a required setting named like an Object.prototype member', () => {
      const info = jobType('proto', [{ key: 'constructor', type: 'string', required: true }, { key: 'toString', type: 'int32', default: 2 }]);
      assert.deepEqual(onlyProblem(info, {}), { setting: 'constructor', message: 'setting "constructor" is required: set it in the submission' });
      assert.deepEqual(applySettings(info, { constructor: 'c' }), { constructor: 'c', toString: 2 });
    });

    it('settings that are not an object', () => {
      for (const bad of [[], 'frames=1', 42, true]) {
        const problem = onlyProblem(RENDER, bad);
        assert.equal(problem.setting, '');
        assert.match(problem.message, /^the job's settings must be an object of setting values/);
      }
    });

    it('lists every bad setting at once, in the order of the job type, with a summary', () => {
      const { error, problems } = problemsOf(RENDER, { chunk_size: 'x', add_path_components: 99, format: 'BMP', fps: false, extra: 1 });
      assert.deepEqual(
        problems.map((p) => p.setting),
        ['frames', 'chunk_size', 'add_path_components', 'format', 'fps'],
      );
      const lines = error.message.split('\n');
      assert.equal(lines[0], `the job's settings do not fit job type "Label of render" (render), 5 problems:`);
      assert.deepEqual(lines.slice(1), problems.map((p) => `- ${p.message}`));
    });

    it('lists at most 20 problems in the message, and all of them in problems', () => {
      const info = jobType('many', Array.from({ length: 30 }, (_, i) => ({ key: `s${i}`, type: 'bool' })));
      const { error, problems } = problemsOf(info, Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`s${i}`, 'yes'])));
      assert.equal(problems.length, 30);
      const lines = error.message.split('\n');
      assert.equal(lines.length, 22);
      assert.equal(lines[21], '… and 10 more');
    });

    it('cuts long values short', () => {
      const problem = onlyProblem(RENDER, { ...VALID, format: 'A'.repeat(100_000) });
      assert.ok(problem.message.length < 160, `message of ${problem.message.length} characters`);
      assert.match(problem.message, /but the job has "A+…"$/);
      const big = onlyProblem(RENDER, { ...VALID, scene: { list: new Array(10_000).fill('x') } });
      assert.ok(big.message.length < 160, `message of ${big.message.length} characters`);
    });
  });

  it('caches one validator per job type version, and never confuses two versions', () => {
    const v1 = jobType('versioned', [{ key: 'n', type: 'int32', propargs: { max: 5 } }]);
    const v2 = jobType('versioned', [{ key: 'n', type: 'int32', propargs: { max: 50 } }]);
    assert.notEqual(v1.etag, v2.etag);
    for (let i = 0; i < 3; i++) {
      assert.throws(() => applySettings(v1, { n: 10 }), CompileError);
      assert.equal(applySettings(v2, { n: 10 }).n, 10);
    }
  });

  it('keeps working when more job types than the cache holds are used', () => {
    const first = jobType('type-0', [{ key: 'n', type: 'int32', propargs: { max: 0 } }]);
    for (let i = 1; i <= 250; i++) {
      const info = jobType(`type-${i}`, [{ key: 'n', type: 'int32', propargs: { max: i } }]);
      assert.equal(applySettings(info, { n: i }).n, i);
    }
    assert.throws(() => applySettings(first, { n: 1 }), CompileError);
    assert.equal(applySettings(first, { n: 0 }).n, 0);
  });
});
