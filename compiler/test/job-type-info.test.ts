import assert from 'node:assert/strict';
import { CompileError } from '../src/errors.ts';
import { describeJobType } from '../src/job-type-info.ts';

// JOB_TYPE of Flamenco's simple-blender-render, as data (what the sandbox hands over).
const SIMPLE_BLENDER_RENDER = {
  label: 'Simple Blender Render',
  description: 'Render a sequence of frames, and create a preview video file',
  settings: [
    {
      key: 'frames', type: 'string', required: true,
      eval: "f'{C.scene.frame_start}-{C.scene.frame_end}'",
      evalInfo: { showLinkButton: true, description: 'Scene frame range' },
      description: "Frame range to render. Examples: '47', '1-30', '3, 5-10, 47-327'",
    },
    { key: 'chunk_size', type: 'int32', default: 1, description: 'Number of frames to render in one Blender render task', visible: 'submission' },
    { key: 'render_output_root', type: 'string', subtype: 'dir_path', required: true, visible: 'submission', description: 'Base directory' },
    { key: 'add_path_components', type: 'int32', required: true, default: 0, propargs: { min: 0, max: 32 }, visible: 'submission' },
    { key: 'render_output_path', type: 'string', subtype: 'file_path', editable: false, eval: 'str(Path(...))' },
    { key: 'blendfile', type: 'string', required: true, visible: 'web' },
    { key: 'fps', type: 'float', eval: 'C.scene.render.fps / C.scene.render.fps_base', visible: 'hidden' },
    { key: 'format', type: 'string', required: true, eval: 'C.scene.render.image_settings.file_format', visible: 'web' },
    { key: 'has_previews', type: 'bool', required: false, eval: 'C.scene.render.image_settings.use_preview', visible: 'hidden' },
  ],
};

function refusal(raw: unknown): CompileError {
  try {
    describeJobType('my-type', 'my_type.js', raw);
  } catch (error) {
    assert.ok(error instanceof CompileError, `expected a CompileError, got ${String(error)}`);
    assert.equal(error.kind, 'incomplete');
    assert.match(error.message, /^my_type\.js: /);
    return error;
  }
  assert.fail('the JOB_TYPE was accepted');
}

function withSetting(setting: Record<string, unknown>): unknown {
  return { label: 'My type', settings: [setting] };
}

describe('describeJobType', () => {
  it('keeps a real Flamenco JOB_TYPE as it is, with its name', () => {
    const info = describeJobType('simple-blender-render', 'simple_blender_render.js', SIMPLE_BLENDER_RENDER);
    assert.equal(info.name, 'simple-blender-render');
    assert.equal(info.label, 'Simple Blender Render');
    assert.equal(info.description, 'Render a sequence of frames, and create a preview video file');
    assert.deepEqual(info.settings, SIMPLE_BLENDER_RENDER.settings);
    assert.equal('etag' in info, false);
  });

  it('orders the fields of each setting as Go does (alphabetically)', () => {
    const info = describeJobType('simple-blender-render', 'simple_blender_render.js', SIMPLE_BLENDER_RENDER);
    assert.deepEqual(Object.keys(info.settings![0]), ['description', 'eval', 'evalInfo', 'key', 'required', 'type']);
    assert.deepEqual(Object.keys(info.settings![3]), ['default', 'key', 'propargs', 'required', 'type', 'visible']);
  });

  it('drops unknown fields of the job type and of settings, and treats null as absent', () => {
    const info = describeJobType('t', 't.js', {
      label: 'T',
      name: 'other-name',
      etag: 'abc',
      color: 'red',
      description: null,
      settings: [{ key: 'a', type: 'string', tooltip: 'x', required: null, default: null, label: 'A', extra: [1] }],
    });
    assert.deepEqual(info, { name: 't', label: 'T', settings: [{ key: 'a', type: 'string', label: 'A' }] });
  });

  it('keeps settings: null when JOB_TYPE has no settings, and [] when it has an empty list', () => {
    assert.equal(describeJobType('t', 't.js', { label: 'T' }).settings, null);
    assert.equal(describeJobType('t', 't.js', { label: 'T', settings: null }).settings, null);
    assert.deepEqual(describeJobType('t', 't.js', { label: 'T', settings: [] }).settings, []);
  });

  it('keeps explicit false, 0 and "" values', () => {
    const info = describeJobType('t', 't.js', {
      label: 'T',
      description: '',
      settings: [
        { key: 'a', type: 'int32', default: 0, required: false, editable: false, eval: '' },
        { key: 'b', type: 'string', default: '', description: 0, label: false },
      ],
    });
    assert.equal(info.description, '');
    assert.deepEqual(info.settings, [
      { default: 0, editable: false, eval: '', key: 'a', required: false, type: 'int32' },
      { default: '', description: 0, key: 'b', label: false, type: 'string' },
    ]);
  });

  it('copies values instead of sharing them with the input', () => {
    const raw = { label: 'T', settings: [{ key: 'a', type: 'int32', propargs: { min: 0, step: [1] }, choices: undefined }] };
    const info = describeJobType('t', 't.js', raw);
    raw.settings[0].propargs.min = 5;
    assert.deepEqual(info.settings![0].propargs, { min: 0, step: [1] });
  });

  it('fills missing evalInfo fields as Go does', () => {
    const info = describeJobType('t', 't.js', withSetting({ key: 'a', type: 'string', evalInfo: { showLinkButton: true } }));
    assert.deepEqual(info.settings![0].evalInfo, { showLinkButton: true, description: '' });
  });

  it('accepts defaults that fit their type, choices and bounds', () => {
    const info = describeJobType('t', 't.js', {
      label: 'T',
      settings: [
        { key: 'i', type: 'int32', default: -(2 ** 31), propargs: { min: -(2 ** 31) } },
        { key: 'f', type: 'float', default: 0.5, propargs: { min: 0, max: 1, soft_max: 0.2 } },
        { key: 'b', type: 'bool', default: true },
        { key: 's', type: 'string', default: 'PNG', choices: ['PNG', 'JPEG'] },
      ],
    });
    assert.equal(info.settings!.length, 4);
  });

  describe('refuses a malformed JOB_TYPE, naming the file, the setting and the fix', () => {
    it('JOB_TYPE that is not an object', () => {
      assert.match(refusal('hello').message, /JOB_TYPE must be an object like \{ label: .*but it is "hello" \(a string\)/);
      assert.match(refusal([]).message, /JOB_TYPE must be an object.*\(a list\)/);
      assert.match(refusal(null).message, /JOB_TYPE must be an object.*but it is null/);
    });

    it('a missing, empty or non-string label', () => {
      assert.match(refusal({ settings: [] }).message, /JOB_TYPE\.label must be .*label: "Simple Blender Render", but it is missing/);
      assert.match(refusal({ label: ' ', settings: [] }).message, /JOB_TYPE\.label must be/);
      assert.match(refusal({ label: 3 }).message, /JOB_TYPE\.label .*but it is 3 \(a number\)/);
    });

    it('a description that is not a string', () => {
      assert.match(refusal({ label: 'T', description: 5 }).message, /JOB_TYPE\.description must be a string/);
    });

    it('settings that are not a list', () => {
      assert.match(refusal({ label: 'T', settings: { key: 'a' } }).message, /JOB_TYPE\.settings must be a list of settings.*\(an object\)/);
    });

    it('a setting that is not an object', () => {
      assert.match(refusal({ label: 'T', settings: ['frames'] }).message, /JOB_TYPE\.settings\[0\] must be an object like \{ key: "frames"/);
    });

    it('a setting without a string key', () => {
      assert.match(refusal(withSetting({ type: 'string' })).message, /JOB_TYPE\.settings\[0\] needs a key.*but its key is missing/);
      assert.match(refusal(withSetting({ key: 7, type: 'string' })).message, /needs a key.*but its key is 7 \(a number\)/);
      assert.match(refusal(withSetting({ key: '', type: 'string' })).message, /needs a key/);
    });

    it('the key "__proto__"', () => {
      const raw = JSON.parse('{"label": "T", "settings": [{"key": "__proto__", "type": "int32"}]}');
      assert.match(refusal(raw).message, /JOB_TYPE\.settings\[0\] has the key "__proto__", which cannot name a setting: choose another key/);
    });

    it('duplicate keys', () => {
      const error = refusal({ label: 'T', settings: [{ key: 'a', type: 'string' }, { key: 'b', type: 'bool' }, { key: 'a', type: 'string' }] });
      assert.match(error.message, /JOB_TYPE\.settings\[2\] has the key "a", like JOB_TYPE\.settings\[0\]: give each setting its own key/);
    });

    it('an unknown type', () => {
      const error = refusal(withSetting({ key: 'count', type: 'integer' }));
      assert.match(error.message, /setting "count" \(JOB_TYPE\.settings\[0\]\): type must be one of "string", "int32", "float", "bool", but it is "integer"/);
      assert.match(refusal(withSetting({ key: 'count' })).message, /setting "count" .*type must be one of .*but it is missing/);
    });

    it('an unknown subtype', () => {
      assert.match(refusal(withSetting({ key: 'p', type: 'string', subtype: 'FILE_PATH' })).message, /setting "p" .*subtype must be one of "file_path", "dir_path", "file_name", "hashed_file_path"/);
    });

    it('choices on a non-string setting, or choices that are not a list of strings', () => {
      assert.match(refusal(withSetting({ key: 'n', type: 'int32', choices: ['1'] })).message, /setting "n" .*choices are only for settings of type "string"/);
      assert.match(refusal(withSetting({ key: 's', type: 'string', choices: 'PNG' })).message, /setting "s" .*choices must be a non-empty list of strings/);
      assert.match(refusal(withSetting({ key: 's', type: 'string', choices: ['PNG', 3] })).message, /choices must be a non-empty list of strings.*\["PNG",3\]/);
      assert.match(refusal(withSetting({ key: 's', type: 'string', choices: [] })).message, /choices must be a non-empty list/);
    });

    it('an unknown visibility', () => {
      assert.match(refusal(withSetting({ key: 'v', type: 'string', visible: 'always' })).message, /setting "v" .*visible must be one of "visible", "hidden", "submission", "web"/);
    });

    it('required, editable or eval of the wrong type', () => {
      assert.match(refusal(withSetting({ key: 'r', type: 'string', required: 'yes' })).message, /setting "r" .*required must be true or false, but it is "yes"/);
      assert.match(refusal(withSetting({ key: 'r', type: 'string', editable: 1 })).message, /editable must be true or false/);
      assert.match(refusal(withSetting({ key: 'r', type: 'string', eval: 42 })).message, /eval must be a Python expression in a string/);
    });

    it('a default of the wrong type', () => {
      assert.match(refusal(withSetting({ key: 'n', type: 'int32', default: '1' })).message, /setting "n" .*default must be a whole number .*as the type is "int32", but it is "1" \(a string\); change the default or the type/);
      assert.match(refusal(withSetting({ key: 'n', type: 'int32', default: 1.5 })).message, /default must be a whole number/);
      assert.match(refusal(withSetting({ key: 'n', type: 'int32', default: 2 ** 31 })).message, /default must be a whole number from -2147483648 to 2147483647/);
      assert.match(refusal(withSetting({ key: 'f', type: 'float', default: '0.5' })).message, /default must be a number, as the type is "float"/);
      assert.match(refusal(withSetting({ key: 'b', type: 'bool', default: 0 })).message, /default must be true or false, as the type is "bool"/);
      assert.match(refusal(withSetting({ key: 's', type: 'string', default: 5 })).message, /default must be a string, as the type is "string"/);
    });

    it('a default outside the choices or the bounds', () => {
      assert.match(refusal(withSetting({ key: 's', type: 'string', default: 'TIFF', choices: ['PNG', 'JPEG'] })).message, /setting "s" .*default "TIFF" \(a string\) is not one of the choices "PNG", "JPEG"/);
      assert.match(refusal(withSetting({ key: 'n', type: 'int32', default: 40, propargs: { min: 0, max: 32 } })).message, /default 40 is above propargs\.max \(32\)/);
      assert.match(refusal(withSetting({ key: 'n', type: 'float', default: -1, propargs: { min: 0 } })).message, /default -1 is below propargs\.min \(0\)/);
    });

    it('propargs that are not an object, or min/max that are not numbers', () => {
      assert.match(refusal(withSetting({ key: 'n', type: 'int32', propargs: [0, 32] })).message, /setting "n" .*propargs must be an object/);
      assert.match(refusal(withSetting({ key: 'n', type: 'int32', propargs: { min: '0' } })).message, /propargs\.min must be a number, but it is "0"/);
      assert.match(refusal(withSetting({ key: 'n', type: 'int32', propargs: { max: null } })).message, /propargs\.max must be a number, but it is null/);
      assert.match(refusal(withSetting({ key: 'n', type: 'int32', propargs: { min: 5, max: 1 } })).message, /propargs\.min \(5\) is larger than propargs\.max \(1\)/);
    });

    it('a malformed evalInfo', () => {
      assert.match(refusal(withSetting({ key: 'e', type: 'string', evalInfo: true })).message, /setting "e" .*evalInfo must be an object like/);
      assert.match(refusal(withSetting({ key: 'e', type: 'string', evalInfo: { showLinkButton: 'yes' } })).message, /evalInfo\.showLinkButton must be true or false/);
      assert.match(refusal(withSetting({ key: 'e', type: 'string', evalInfo: { description: 1 } })).message, /evalInfo\.description must be a string/);
    });

    it('lists every problem at once', () => {
      const error = refusal({ label: 3, settings: [{ key: 'a', type: 'int' }, { key: 'b', type: 'bool', default: 'no' }] });
      assert.match(error.message, /^my_type\.js: JOB_TYPE has 3 problems:\n- JOB_TYPE\.label.*\n- setting "a".*\n- setting "b"/);
    });

    it('lists at most 20 problems', () => {
      const error = refusal({ label: 'T', settings: Array.from({ length: 25 }, (_, i) => ({ key: `k${i}`, type: 'int' })) });
      const lines = error.message.split('\n');
      assert.equal(lines[0], 'my_type.js: JOB_TYPE has 25 problems:');
      assert.equal(lines.length, 22);
      assert.equal(lines[21], '… and 5 more');
    });

    it('cuts long values short in messages', () => {
      const error = refusal(withSetting({ key: 'n', type: 'int32', default: 'x'.repeat(10_000) }));
      assert.ok(error.message.length < 400, `message of ${error.message.length} characters`);
      assert.match(error.message, /"x+…" \(a string\)/);
    });
  });
});
