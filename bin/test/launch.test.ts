import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { TABLAO_SCRIPT, parseLaunchLine, tablaoLaunchSettings } from '../launch.ts';

describe('launch settings of Tablao processes', () => {
  it('reads environment variables and node options from an env -S line', () => {
    assert.deepEqual(parseLaunchLine('#!/usr/bin/env -S A_=1 B=x=y node --max-semi-space-size=8 --foo'), {
      env: { A_: '1', B: 'x=y' },
      nodeOptions: ['--max-semi-space-size=8', '--foo'],
    });
  });

  it('has nothing to add for a plain node line', () => {
    assert.deepEqual(parseLaunchLine('#!/usr/bin/env node'), { env: {}, nodeOptions: [] });
  });

  it('takes the settings of bin/tablao.js, which starts with them', () => {
    const settings = tablaoLaunchSettings();
    assert.ok(settings.nodeOptions.some((option) => option.startsWith('--max-semi-space-size=')));
    assert.ok('MALLOC_TRIM_THRESHOLD_' in settings.env);
  });

  it('runs bin/tablao.js directly through its first line', async () => {
    // npm scripts put node_modules/.bin (Node.js 24) first on PATH, as `npm start` does.
    const { stdout } = await promisify(execFile)(TABLAO_SCRIPT, ['--help']);
    assert.match(stdout, /Usage: tablao <command>/);
  });
});
