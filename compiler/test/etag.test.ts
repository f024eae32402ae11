import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { CompileError } from '../src/errors.ts';
import { checkTypeEtag, goJson, jobTypeEtag } from '../src/etag.ts';
import { describeJobType } from '../src/job-type-info.ts';
import type { JobTypeInfo, SubmittedJob } from '../src/types.ts';

const ECHO_SLEEP_TEST: Omit<JobTypeInfo, 'etag'> = {
  name: 'echo-sleep-test',
  label: 'Echo Sleep Test',
  settings: [
    { key: 'message', type: 'string', required: true },
    { key: 'sleep_duration_seconds', type: 'int32', default: 1 },
    { key: 'sleep_repeats', type: 'int32', default: 1 },
  ],
};

describe('goJson', () => {
  it('writes compact JSON with map keys sorted', () => {
    assert.equal(goJson({ b: 1, a: [true, false, null], c: { z: 'x', y: {} } }), '{"a":[true,false,null],"b":1,"c":{"y":{},"z":"x"}}');
    assert.equal(goJson([]), '[]');
    assert.equal(goJson('plain'), '"plain"');
  });

  it('sorts keys by code point, as Go sorts UTF-8 bytes', () => {
    // U+FB01 sorts before U+1F600 by code point, but after it by UTF-16 code unit.
    assert.equal(goJson({ '\u{1F600}': 1, '\uFB01': 2, B: 3, a: 4, ab: 5 }), '{"B":3,"a":4,"ab":5,"\uFB01":2,"\u{1F600}":1}');
  });

  it('escapes <, >, &, U+2028 and U+2029 as Go does', () => {
    assert.equal(goJson('<a href="x">&amp;</a>'), '"\\u003ca href=\\"x\\"\\u003e\\u0026amp;\\u003c/a\\u003e"');
    assert.equal(goJson('line\u2028para\u2029end'), '"line\\u2028para\\u2029end"');
    assert.equal(goJson({ '<k>': 1 }), '{"\\u003ck\\u003e":1}');
  });

  it('escapes control characters with short forms where Go has them, others as lowercase \\u00xx', () => {
    assert.equal(goJson('\b\f\n\r\t'), '"\\b\\f\\n\\r\\t"');
    assert.equal(goJson('\u0000\u0001\u001f\u007f'), '"\\u0000\\u0001\\u001f\u007f"');
    assert.equal(goJson('back\\slash "quoted"'), '"back\\\\slash \\"quoted\\""');
  });

  it('writes non-ASCII text as it is, and an unpaired surrogate as U+FFFD', () => {
    assert.equal(goJson('ünï 🎬'), '"ünï 🎬"');
    assert.equal(goJson('a\ud800b'), '"a\uFFFDb"');
  });

  it('formats numbers as Go does', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [-0, '-0'],
      [1, '1'],
      [-42, '-42'],
      [0.1, '0.1'],
      [24.5, '24.5'],
      [1e-6, '0.000001'],
      [1e-7, '1e-7'],
      [1.5e-7, '1.5e-7'],
      [1.5e-10, '1.5e-10'],
      [123456789012345680000, '123456789012345680000'],
      [1e20, '100000000000000000000'],
      [1e21, '1e+21'],
      [1.5e300, '1.5e+300'],
      [-2.5e-8, '-2.5e-8'],
      [2 ** 31 - 1, '2147483647'],
      [Number.MAX_SAFE_INTEGER, '9007199254740991'],
    ];
    for (const [n, expected] of cases) assert.equal(goJson(n), expected, `goJson(${n})`);
  });

  it('refuses values JSON cannot hold', () => {
    assert.throws(() => goJson(Number.NaN), TypeError);
    assert.throws(() => goJson(Infinity), TypeError);
    assert.throws(() => goJson(() => 1), TypeError);
    assert.throws(() => goJson(undefined), TypeError);
  });

  it('leaves out properties that are undefined, writes null ones', () => {
    assert.equal(goJson({ a: undefined, b: null }), '{"b":null}');
  });
});

describe('jobTypeEtag', () => {
  it("matches Flamenco's etag of echo-sleep-test", () => {
    assert.equal(jobTypeEtag(ECHO_SLEEP_TEST), 'eba586e16d6b55baaa43e32f9e78ae514b457fee');
  });

  it('gives the same etag for the JOB_TYPE read from the script', () => {
    const info = describeJobType('echo-sleep-test', 'echo_sleep_test.js', {
      label: 'Echo Sleep Test',
      settings: [
        { key: 'message', type: 'string', required: true },
        { key: 'sleep_duration_seconds', type: 'int32', default: 1 },
        { key: 'sleep_repeats', type: 'int32', default: 1 },
      ],
    });
    assert.equal(jobTypeEtag(info), 'eba586e16d6b55baaa43e32f9e78ae514b457fee');
  });

  it('hashes every field in Go order with Go escaping', () => {
    // Expected hash computed independently with Python's json module (sorted keys, compact,
    // HTML characters and U+2028 escaped), from the same data with the fields in another order.
    const info: Omit<JobTypeInfo, 'etag'> = {
      settings: [
        {
          visible: 'web', type: 'string', subtype: 'file_name', required: false, label: 'Image format', key: 'format',
          evalInfo: { showLinkButton: false, description: '' }, eval: 'C.scene.render.image_settings.file_format',
          editable: true, description: { nl: 'Formaat', en: 'Format' }, default: 'PNG', choices: ['PNG', 'JPEG'],
        },
        { type: 'float', key: 'ratio', default: 0.25, propargs: { step: 10, soft_max: 0.5, min: 0, max: 1.5 } },
        { type: 'bool', key: 'flag', label: 'Flag\t"quoted"', default: false },
      ],
      name: 'all-fields',
      label: 'All Fields',
      description: 'Renders <b>frames</b> & more\u2028ünïcode 🎬',
    };
    assert.equal(jobTypeEtag(info), '9a2a3c79773789bf607bf3766e32caca9ec96b42');
  });

  it('writes settings: null when the job type has none, which differs from []', () => {
    const none = { name: 'n', label: 'N', settings: null };
    const empty = { name: 'n', label: 'N', settings: [] };
    assert.equal(jobTypeEtag(none), sha1('{"etag":"","label":"N","name":"n","settings":null}'));
    assert.equal(jobTypeEtag(empty), sha1('{"etag":"","label":"N","name":"n","settings":[]}'));
  });

  it('omits only absent optional fields: false, 0 and "" are written', () => {
    const info: Omit<JobTypeInfo, 'etag'> = {
      name: 'n',
      label: 'N',
      description: '',
      settings: [{ key: 'k', type: 'int32', required: false, default: 0, eval: '', editable: false, propargs: {}, choices: [] }],
    };
    assert.equal(
      jobTypeEtag(info),
      sha1('{"description":"","etag":"","label":"N","name":"n","settings":[{"choices":[],"default":0,"editable":false,"eval":"","key":"k","propargs":{},"required":false,"type":"int32"}]}'),
    );
  });

  it('omits null optional fields, as Go omits nil pointers and interfaces', () => {
    const info = {
      name: 'n', label: 'N', description: null,
      settings: [{ key: 'k', type: 'string', default: null, label: null, required: null }],
    } as unknown as Omit<JobTypeInfo, 'etag'>;
    assert.equal(jobTypeEtag(info), sha1('{"etag":"","label":"N","name":"n","settings":[{"key":"k","type":"string"}]}'));
  });

  it('changes when anything about the job type changes', () => {
    const base = jobTypeEtag(ECHO_SLEEP_TEST);
    assert.notEqual(jobTypeEtag({ ...ECHO_SLEEP_TEST, name: 'other' }), base);
    assert.notEqual(jobTypeEtag({ ...ECHO_SLEEP_TEST, label: 'Echo Sleep Test 2' }), base);
    assert.notEqual(jobTypeEtag({ ...ECHO_SLEEP_TEST, description: 'x' }), base);
    const settings = ECHO_SLEEP_TEST.settings!.map((s) => ({ ...s }));
    settings[2].default = 2;
    assert.notEqual(jobTypeEtag({ ...ECHO_SLEEP_TEST, settings }), base);
  });
});

describe('checkTypeEtag', () => {
  const info: JobTypeInfo = { ...ECHO_SLEEP_TEST, etag: jobTypeEtag(ECHO_SLEEP_TEST) };
  const job = (type_etag?: string): SubmittedJob => ({ name: 'j', type: 'echo-sleep-test', priority: 50, type_etag });

  it('passes a matching, empty or absent etag', () => {
    checkTypeEtag(job(info.etag), info);
    checkTypeEtag(job(''), info);
    checkTypeEtag(job(undefined), info);
    checkTypeEtag({ name: 'j', type: 'echo-sleep-test', priority: 50 }, info);
  });

  it('refuses another etag, telling the artist to refresh the job types and resubmit', () => {
    assert.throws(
      () => checkTypeEtag(job('0123456789abcdef0123456789abcdef01234567'), info),
      (error: unknown) => {
        assert.ok(error instanceof CompileError);
        assert.equal(error.kind, 'etag');
        assert.match(error.message, /job type "Echo Sleep Test" \(echo-sleep-test\) has changed on the manager/);
        assert.match(error.message, /"0123456789abcdef0123456789abcdef01234567"/);
        assert.match(error.message, /refresh the job types \(in Blender: the refresh button of the Tablao panel\)/);
        assert.match(error.message, /submit it again/);
        return true;
      },
    );
  });
});

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}
