import assert from 'node:assert/strict';

import { commandRunnerFor, commandRunners } from '../../src/commands/index.ts';
import { recordingContext } from './recording-context.ts';

describe('the command registry', () => {
  it("has Flamenco's commands, by Flamenco's names", () => {
    assert.deepEqual(Object.keys(commandRunners).sort(), [
      'blender-render', 'copy-file', 'echo', 'exec', 'frames-to-video', 'make-directory', 'move-directory', 'sleep',
    ]);
  });

  it('runs a command by its name', async () => {
    const { context, recording } = recordingContext({ message: 'hi' });
    await commandRunnerFor('echo')?.(context);
    assert.deepEqual(recording.logs, ['echo: "hi"']);
  });

  it('knows no other names, not even those every object has', () => {
    assert.equal(commandRunnerFor('render'), undefined);
    assert.equal(commandRunnerFor('toString'), undefined);
    assert.equal(commandRunners['constructor'], undefined);
  });
});
