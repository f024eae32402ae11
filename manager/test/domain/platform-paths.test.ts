import assert from 'node:assert/strict';

import { ensureDriveAbsolute, platformFromNode, toPlatformPath, trimTrailingSeparators } from '../../src/domain/platform-paths.ts';

describe('platform paths', () => {
  const cases: [string, string, string][] = [
    ['/shared/flamenco/shot/file.blend', 'windows', '\\shared\\flamenco\\shot\\file.blend'],
    ['Y:/shared\\flamenco/shot', 'windows', 'Y:\\shared\\flamenco\\shot'],
    ['Y:\\shared\\flamenco', 'linux', 'Y:/shared/flamenco'],
    ['R:frames/x.png', 'windows', 'R:\\frames\\x.png'],
    ['R:', 'windows', 'R:\\'],
    ['\\\\server\\share\\x', 'windows', '\\\\server\\share\\x'],
    ['//server/share//x', 'linux', '//server/share/x'],
    ['/a//b///c/', 'linux', '/a/b/c'],
    ['/', 'linux', '/'],
    ['relative/path', 'darwin', 'relative/path'],
    ['relative\\path', 'autumn', 'relative/path'],
    ['', 'windows', ''],
  ];
  for (const [path, platform, expected] of cases) {
    it(`${JSON.stringify(path)} on ${platform} is ${JSON.stringify(expected)}`, () => {
      assert.equal(toPlatformPath(path, platform), expected);
    });
  }

  it('makes a drive-relative Windows path absolute', () => {
    assert.equal(ensureDriveAbsolute('F:'), 'F:\\');
    assert.equal(ensureDriveAbsolute('F:blabla'), 'F:\\blabla');
    assert.equal(ensureDriveAbsolute('F:\\blabla'), 'F:\\blabla');
    assert.equal(ensureDriveAbsolute('F:/blabla'), 'F:/blabla');
    assert.equal(ensureDriveAbsolute('/blabla'), '/blabla');
    assert.equal(ensureDriveAbsolute('1:x'), '1:x');
  });

  it('trims trailing separators but keeps a root', () => {
    assert.equal(trimTrailingSeparators('/render/'), '/render');
    assert.equal(trimTrailingSeparators('R:\\'), 'R:');
    assert.equal(trimTrailingSeparators('/render'), '/render');
    assert.equal(trimTrailingSeparators('/'), '/');
    assert.equal(trimTrailingSeparators('\\\\'), '\\');
    assert.equal(trimTrailingSeparators(''), '');
  });

  it('names Node’s platforms as Flamenco does', () => {
    assert.equal(platformFromNode('win32'), 'windows');
    assert.equal(platformFromNode('linux'), 'linux');
    assert.equal(platformFromNode('darwin'), 'darwin');
  });
});
