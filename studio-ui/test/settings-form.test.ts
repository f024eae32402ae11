import assert from 'node:assert/strict';
import { formFields, initialValues, labelOf, settingsFromForm, valuesFromSettings, type JobSetting } from '../src/logic/settings-form.ts';

const SETTINGS: JobSetting[] = [
  { key: 'frames', type: 'string', required: true, description: 'Frame range' },
  { key: 'chunk_size', type: 'int32', default: 1, propargs: { min: 1, max: 100 } },
  { key: 'fps', type: 'float', propargs: { min: 0.5 } },
  { key: 'format', type: 'string', choices: ['PNG', 'JPEG'], default: 'PNG' },
  { key: 'has_previews', type: 'bool', default: false, visible: 'hidden' },
  { key: 'blendfile', type: 'string', subtype: 'file_path', required: true, visible: 'submission' },
  { key: 'count', type: 'int32', required: true },
];

describe('studio: settings form', () => {
  const fields = formFields(SETTINGS);
  const byKey = (key: string) => fields.find((f) => f.key === key)!;

  it('makes one field per setting with the input its type and choices call for', () => {
    assert.deepEqual(
      fields.map((f) => [f.key, f.input]),
      [['frames', 'text'], ['chunk_size', 'number'], ['fps', 'number'], ['format', 'select'], ['has_previews', 'checkbox'], ['blendfile', 'text'], ['count', 'number']],
    );
    assert.equal(byKey('chunk_size').min, 1);
    assert.equal(byKey('chunk_size').max, 100);
    assert.equal(byKey('chunk_size').step, 1);
    assert.equal(byKey('fps').step, 'any');
    assert.deepEqual(byKey('format').choices, ['PNG', 'JPEG']);
    assert.equal(byKey('blendfile').subtype, 'file_path');
    assert.equal(byKey('blendfile').filledBy, 'add-on');
    assert.equal(byKey('has_previews').filledBy, 'script');
    assert.equal(byKey('frames').label, 'Frames');
    assert.equal(labelOf('render_output_root'), 'Render Output Root');
  });

  it('starts from the defaults', () => {
    const values = initialValues(fields);
    assert.equal(values.chunk_size, '1');
    assert.equal(values.format, 'PNG');
    assert.equal(values.has_previews, false);
    assert.equal(values.frames, '');
  });

  it('turns valid input into typed settings and leaves empty fields to their defaults', () => {
    const values = { ...initialValues(fields), frames: '1-10', fps: '24.5', blendfile: '/a.blend', count: '3', chunk_size: '' };
    const { settings, problems } = settingsFromForm(fields, values);
    assert.deepEqual(problems, []);
    assert.deepEqual(settings, { frames: '1-10', fps: 24.5, format: 'PNG', has_previews: false, blendfile: '/a.blend', count: 3 });
  });

  it('reports what the manager would refuse, naming each setting', () => {
    const values = { ...initialValues(fields), chunk_size: '0', fps: 'fast', format: 'GIF', count: '2.5' };
    const { problems } = settingsFromForm(fields, values);
    assert.deepEqual(
      problems.map((p) => p.setting),
      ['frames', 'chunk_size', 'fps', 'format', 'blendfile', 'count'],
    );
    assert.match(problems.find((p) => p.setting === 'chunk_size')!.message, /at least 1/);
    assert.match(problems.find((p) => p.setting === 'fps')!.message, /must be a number/);
    assert.match(problems.find((p) => p.setting === 'format')!.message, /one of "PNG", "JPEG"/);
    assert.match(problems.find((p) => p.setting === 'count')!.message, /whole number/);
    assert.match(problems.find((p) => p.setting === 'frames')!.message, /required/);
  });

  it('keeps int32 within 32 bits even without propargs', () => {
    const values = { ...initialValues(fields), frames: '1', blendfile: 'x', count: String(2 ** 31) };
    assert.match(settingsFromForm(fields, values).problems[0]!.message, /at most 2147483647/);
  });

  it('fills a form from stored settings', () => {
    const values = valuesFromSettings(fields, { frames: '5-6', chunk_size: 4, has_previews: true });
    assert.equal(values.frames, '5-6');
    assert.equal(values.chunk_size, '4');
    assert.equal(values.has_previews, true);
  });
});
