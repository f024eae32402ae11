// The add-on's Python unit tests (stdlib unittest, no Blender) as part of `npm test`.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const ADDON_DIR = fileURLToPath(new URL('..', import.meta.url));

describe('Blender add-on: Python unit tests', function () {
  this.timeout(60_000);

  it('pass (python3 -m unittest discover -s addon/tests)', () => {
    const run = spawnSync('python3', ['-m', 'unittest', 'discover', '-s', 'tests', '-t', '.'], { cwd: ADDON_DIR, encoding: 'utf8' });
    assert.equal(run.error, undefined, `python3 could not be started: ${run.error?.message}`);
    assert.equal(run.status, 0, `the Python tests failed:\n${run.stderr}${run.stdout}`);
    assert.match(run.stderr, /Ran \d+ tests?/);
  });
});
