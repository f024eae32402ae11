import assert from 'node:assert/strict';

import { echo } from '../../src/commands/echo.ts';
import { sleep } from '../../src/commands/sleep.ts';
import { recordingContext } from './recording-context.ts';

describe('echo', () => {
  it('logs the message as Flamenco does', async () => {
    const { context, recording } = recordingContext({ message: 'Hello "farm"' });
    await echo(context);
    assert.deepEqual(recording.logs, ['echo: "Hello \\"farm\\""']);
  });

  it('takes numbers and booleans as text', async () => {
    const { context, recording } = recordingContext({ message: 42 });
    await echo(context);
    assert.deepEqual(recording.logs, ['echo: "42"']);
  });

  it('refuses a missing or structured message', async () => {
    await assert.rejects(echo(recordingContext({}).context), /echo: parameter "message" is missing, expected the message to log/);
    await assert.rejects(echo(recordingContext({ message: { text: 'hi' } }).context), /echo: parameter "message" must be the message to log \(text\), not an object/);
  });
});

describe('sleep', () => {
  it('sleeps, fractions of seconds too, and logs it', async () => {
    const { context, recording } = recordingContext({ duration_in_seconds: 0.01 });
    await sleep(context);
    assert.deepEqual(recording.logs, ['slept 0.01s']);
  });

  it('stops at once when aborted, with an AbortError and no log line', async () => {
    const { context, recording, abort } = recordingContext({ duration_in_seconds: 3600 });
    const sleeping = sleep(context);
    setImmediate(() => abort.abort());
    await assert.rejects(sleeping, { name: 'AbortError' });
    assert.deepEqual(recording.logs, []);
  });

  it('refuses negative, missing and non-number durations', async () => {
    await assert.rejects(sleep(recordingContext({ duration_in_seconds: -1 }).context), /sleep: parameter "duration_in_seconds" is -1, but must be at least 0 \(how long to sleep, in seconds\)/);
    await assert.rejects(sleep(recordingContext({}).context), /sleep: parameter "duration_in_seconds" is missing/);
    await assert.rejects(sleep(recordingContext({ duration_in_seconds: 30 * 86400 }).context), /is 2592000, but must be at most 2147483 \(how long to sleep, in seconds\)/);
    await assert.rejects(sleep(recordingContext({ duration_in_seconds: '5' }).context), /must be how long to sleep, in seconds \(a number\), not the string "5"/);
  });
});
