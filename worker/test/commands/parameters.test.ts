import assert from 'node:assert/strict';

import { CommandError } from '../../src/commands/command.ts';
import { describe as describeValue, parametersOf } from '../../src/commands/parameters.ts';

function refusal(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    assert.ok(error instanceof CommandError, 'a CommandError');
    return error.message;
  }
  assert.fail('expected a refusal');
}

describe('command parameters', () => {
  const read = parametersOf('frames-to-video', {
    exe: 'ffmpeg',
    empty: '',
    fps: 24,
    zero: 0,
    text: '24',
    list: ['-y', 30, true],
    nested: ['-y', ['x']],
    nothing: null,
  });

  it('reads strings, numbers and argument lists', () => {
    assert.equal(read.string('exe', 'the FFmpeg executable'), 'ffmpeg');
    assert.equal(read.string('empty', 'x', { allowEmpty: true }), '');
    assert.equal(read.optionalString('absent', 'x'), '');
    assert.equal(read.number('fps', 'the frames per second', { minimum: 0, aboveMinimum: true }), 24);
    assert.equal(read.number('zero', 'a duration', { minimum: 0 }), 0);
    assert.deepEqual(read.argumentList('list'), ['-y', '30', 'true']);
    assert.deepEqual(read.argumentList('absent'), []);
    assert.equal(read.text('fps', 'the message'), '24');
  });

  it('names the command, the parameter, what was expected and who can fix it', () => {
    assert.equal(
      refusal(() => read.string('outputFile', 'the path of the video file to write')),
      'frames-to-video: parameter "outputFile" is missing, expected the path of the video file to write (a string); fix the job type that made this task',
    );
  });

  const cases: [string, () => unknown, string][] = [
    ['an empty string', () => read.string('empty', 'the FFmpeg executable'), 'parameter "empty" is empty, expected the FFmpeg executable'],
    ['a number for a string', () => read.string('fps', 'a path'), 'parameter "fps" must be a path (a string), not the number 24'],
    ['null for a string', () => read.string('nothing', 'a path'), 'parameter "nothing" must be a path (a string), not null'],
    ['a string for a number', () => read.number('text', 'the frames per second', { minimum: 0 }), 'parameter "text" must be the frames per second (a number), not the string "24"'],
    ['zero where more is needed', () => read.number('zero', 'the frames per second', { minimum: 0, aboveMinimum: true }), 'parameter "zero" is 0, but must be above 0 (the frames per second)'],
    ['a negative number', () => parametersOf('sleep', { s: -1 }).number('s', 'seconds', { minimum: 0 }), 'parameter "s" is -1, but must be at least 0 (seconds)'],
    ['a list inside a list', () => read.argumentList('nested'), 'parameter "nested" must be a list of arguments (strings), but item 1 is a list'],
    ['a string for a list', () => read.argumentList('exe'), 'parameter "exe" must be a list of arguments (strings), not the string "ffmpeg"'],
    ['an object for text', () => parametersOf('echo', { message: { a: 1 } }).text('message', 'the message'), 'parameter "message" must be the message (text), not an object'],
  ];
  for (const [what, action, expected] of cases) {
    it(`refuses ${what}`, () => {
      assert.ok(refusal(action).includes(expected), refusal(action));
    });
  }

  it('does not take members of Object.prototype for parameters', () => {
    assert.match(refusal(() => parametersOf('echo', {}).text('toString', 'x')), /parameter "toString" is missing/);
  });

  it('shortens long strings in messages', () => {
    assert.equal(describeValue('x'.repeat(100)), `the string "${'x'.repeat(40)}…"`);
  });
});
