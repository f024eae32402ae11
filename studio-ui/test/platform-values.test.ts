import assert from 'node:assert/strict';
import { platformValues, withPlatformValues, type FileVariable } from '../src/logic/platform-values.ts';

describe('studio: per-platform variable values', () => {
  const blender: FileVariable = {
    values: [
      { platform: 'linux', value: '/opt/blender/blender' },
      { platform: 'windows', value: 'C:\\Blender\\blender.exe' },
      { platform: 'linux', audience: 'users', value: 'blender-for-people' },
      { platforms: ['darwin', 'linux'], value: 'shared' },
    ],
  };

  it('reads the plain entry of each platform', () => {
    assert.deepEqual(platformValues(blender), { linux: '/opt/blender/blender', windows: 'C:\\Blender\\blender.exe', darwin: '' });
    assert.deepEqual(platformValues(undefined), { linux: '', windows: '', darwin: '' });
  });

  it('replaces those entries, removes emptied ones, and keeps every other entry', () => {
    const changed = withPlatformValues({ ...blender, is_twoway: true }, { linux: ' /usr/bin/blender ', windows: '', darwin: '/Applications/Blender.app/Contents/MacOS/Blender' });
    assert.deepEqual(changed, {
      is_twoway: true,
      values: [
        { platform: 'linux', value: '/usr/bin/blender' },
        { platform: 'darwin', value: '/Applications/Blender.app/Contents/MacOS/Blender' },
        { platform: 'linux', audience: 'users', value: 'blender-for-people' },
        { platforms: ['darwin', 'linux'], value: 'shared' },
      ],
    });
    assert.deepEqual(platformValues(changed), { linux: '/usr/bin/blender', windows: '', darwin: '/Applications/Blender.app/Contents/MacOS/Blender' });
  });
});
