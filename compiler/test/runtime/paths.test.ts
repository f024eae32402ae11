import assert from 'node:assert/strict';
import { pathBasename, pathClean, pathDirname, pathJoin, pathStem, pathToSlash } from '../../src/runtime/paths.ts';

function table<I, O>(name: string, fn: (input: I) => O, rows: Array<[I, O]>): void {
  describe(name, () => {
    for (const [input, expected] of rows) {
      it(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => {
        assert.deepEqual(fn(input), expected);
      });
    }
  });
}

describe('runtime/paths', () => {
  table('pathToSlash', pathToSlash, [
    ['', ''],
    ['/a/b', '/a/b'],
    ['C:\\a\\b.blend', 'C:/a/b.blend'],
    ['\\\\NAS\\share\\x', '//NAS/share/x'],
    ['mixed/and\\mixed', 'mixed/and/mixed'],
  ]);

  // Go's own path.Clean test table, in our words.
  table('pathClean (Go path.Clean)', pathClean, [
    // already clean
    ['', '.'],
    ['abc', 'abc'],
    ['abc/def', 'abc/def'],
    ['a/b/c', 'a/b/c'],
    ['.', '.'],
    ['..', '..'],
    ['../..', '../..'],
    ['../../abc', '../../abc'],
    ['/abc', '/abc'],
    ['/', '/'],
    // trailing slashes go
    ['abc/', 'abc'],
    ['abc/def/', 'abc/def'],
    ['a/b/c/', 'a/b/c'],
    ['./', '.'],
    ['../', '..'],
    ['../../', '../..'],
    ['/abc/', '/abc'],
    // repeated slashes become one
    ['abc//def//ghi', 'abc/def/ghi'],
    ['//abc', '/abc'],
    ['///abc', '/abc'],
    ['//abc//', '/abc'],
    ['abc//', 'abc'],
    // `.` elements go
    ['abc/./def', 'abc/def'],
    ['/./abc/def', '/abc/def'],
    ['abc/.', 'abc'],
    // `..` elements take the element before them along
    ['abc/def/ghi/../jkl', 'abc/def/jkl'],
    ['abc/def/../ghi/../jkl', 'abc/jkl'],
    ['abc/def/..', 'abc'],
    ['abc/def/../..', '.'],
    ['/abc/def/../..', '/'],
    ['abc/def/../../..', '..'],
    ['/abc/def/../../..', '/'],
    ['abc/def/../../../ghi/jkl/../../../mno', '../../mno'],
    ['/..', '/'],
    ['/../a', '/a'],
    // combinations
    ['abc/./../def', 'def'],
    ['abc//./../def', 'def'],
    ['abc/../../././../def', '../../def'],
    ['a//b/../c', 'a/c'],
    // only `/` separates in Go's path package
    ['a\\..\\b', 'a\\..\\b'],
  ]);

  describe('pathJoin', () => {
    const rows: Array<[string[], string]> = [
      // Go's path.Join behaviour, also asserted by Flamenco's tests
      [[], ''],
      [[''], ''],
      [['', ''], ''],
      [['', '', 'a', '', 'b', ''], 'a/b'],
      [['a', 'b'], 'a/b'],
      [['a', ''], 'a'],
      [['', 'b'], 'b'],
      [['/', 'a'], '/a'],
      [['/', ''], '/'],
      [['a/', 'b'], 'a/b'],
      [['a/', ''], 'a'],
      // Flamenco's crosspath.Join vectors
      [['/', 'file-at-root'], '/file-at-root'],
      [['C:', 'file-at-root'], 'C:/file-at-root'],
      [['/Linux path', 'with spaces.txt'], '/Linux path/with spaces.txt'],
      [['C:\\ünicode', 'is\\awésom.tar.gz'], 'C:/ünicode/is/awésom.tar.gz'],
      [['\\\\SERVER', 'mount', 'dir', 'file.txt'], '//SERVER/mount/dir/file.txt'],
      [['\\\\?\\UNC\\ComputerName', 'SharedFolder\\Resource'], '//?/UNC/ComputerName/SharedFolder/Resource'],
      // the result is cleaned
      [['a//b/../c'], 'a/c'],
      [['a', '..', '..', 'b'], '../b'],
      [['/a', '../../..', 'b'], '/b'],
      [['a', '.', 'b', '.'], 'a/b'],
      [['R:/renders', 'shot_010', '######'], 'R:/renders/shot_010/######'],
      // Flamenco quirks: `\` segments are not cleaned, and a slashed UNC prefix is not kept
      [['C:\\a\\', 'b'], 'C:/a//b'],
      [['a\\..\\b'], 'a/../b'],
      [['//NAS/share', 'x'], '/NAS/share/x'],
    ];
    for (const [elems, expected] of rows) {
      it(`${JSON.stringify(elems)} → ${JSON.stringify(expected)}`, () => {
        assert.equal(pathJoin(...elems), expected);
      });
    }

    it('dirname and join compose as in Flamenco\'s simple-blender-render script', () => {
      const renderOutput = '\\\\NAS\\render\\shot\\######';
      const renderDir = pathDirname(renderOutput);
      assert.equal(renderDir, '//NAS/render/shot');
      assert.equal(pathJoin(renderDir, pathBasename(renderOutput)), '/NAS/render/shot/######');
      assert.equal(pathJoin(pathDirname('R:\\out\\shot\\frame_'), 'x.mp4'), 'R:/out/shot/x.mp4');
    });
  });

  table('pathDirname', pathDirname, [
    // Flamenco's crosspath.Dir vectors
    ['', '.'],
    ['justafile.txt', '.'],
    ['/', '/'],
    ['/file-at-root', '/'],
    ['C:\\file-at-root', 'C:'],
    ['/Linux path/with spaces.txt', '/Linux path'],
    ['/Mixed path\\with/slash.txt', '/Mixed path/with'],
    ['C:\\ünicode\\is\\awésom.tar.gz', 'C:/ünicode/is'],
    ['\\\\SERVER\\ünicode\\is\\awésom.tar.gz', '//SERVER/ünicode/is'],
    ['\\\\?\\UNC\\ComputerName\\SharedFolder\\Resource', '//?/UNC/ComputerName/SharedFolder'],
    // the contract's examples
    ['R:\\a\\b.blend', 'R:/a'],
    ['\\\\server\\share\\file', '//server/share'],
    // not cleaned: only the last separator goes
    ['a//b', 'a/'],
    ['a/b/', 'a/b'],
    ['a/./b', 'a/.'],
    ['../x', '..'],
    ['//x', '/'],
    ['\\', '/'],
    ['C:', '.'],
  ]);

  table('pathBasename', pathBasename, [
    // Flamenco's crosspath.Base vectors
    ['', '.'],
    ['justafile.txt', 'justafile.txt'],
    ['/Linux path/with spaces.txt', 'with spaces.txt'],
    ['C:\\ünicode\\is\\awésom.tar.gz', 'awésom.tar.gz'],
    ['\\\\?\\UNC\\ComputerName\\SharedFolder\\Resource with ext.ension', 'Resource with ext.ension'],
    // Go's path.Base vectors
    ['.', '.'],
    ['/.', '.'],
    ['/', '/'],
    ['////', '/'],
    ['x/', 'x'],
    ['abc', 'abc'],
    ['abc/def', 'def'],
    ['a/b/.x', '.x'],
    ['a/b/c.', 'c.'],
    ['a/b/c.x', 'c.x'],
    // backslashes count too
    ['\\\\\\', '/'],
    ['dir\\sub\\', 'sub'],
    ['a/b/..', '..'],
  ]);

  table('pathStem', pathStem, [
    // Flamenco's crosspath.Stem vectors
    ['', ''],
    ['stem.txt', 'stem'],
    ['stem.tar.gz', 'stem.tar'],
    ['/path/to/file.txt', 'file'],
    ['C:\\path\\to\\file.txt', 'file'],
    ['C:\\path\\to/mixed/slashes/file.txt', 'file'],
    ['C:\\path/to\\mixed/slashes\\file.txt', 'file'],
    ['\\\\?\\UNC\\ComputerName\\SharedFolder\\Resource with ext.ension', 'Resource with ext'],
    // Go's path.Ext semantics on the basename
    ['.bashrc', ''],
    ['dir/.bashrc', ''],
    ['noext', 'noext'],
    ['a.', 'a'],
    ['a.dir/b', 'b'],
    ['a.dir/', 'a'],
    ['shot.flamenco.blend', 'shot.flamenco'],
    ['/', '/'],
    ['.', ''],
    ['..', '.'],
  ]);

  describe('arguments that are not strings', () => {
    it('treats undefined and null as "" (as Flamenco\'s runtime does)', () => {
      const none = undefined as unknown as string;
      const nil = null as unknown as string;
      assert.equal(pathJoin('a', none, 'b', nil), 'a/b');
      assert.equal(pathJoin(none), '');
      assert.equal(pathDirname(none), '.');
      assert.equal(pathBasename(nil), '.');
      assert.equal(pathStem(none), '');
      assert.equal(pathToSlash(none), '');
      assert.equal(pathClean(nil), '.');
    });

    it('reads numbers and booleans as their text', () => {
      assert.equal(pathJoin('frames', 42 as unknown as string), 'frames/42');
      assert.equal(pathBasename(true as unknown as string), 'true');
    });

    it('refuses objects, arrays and functions, naming the function', () => {
      const object = {} as unknown as string;
      assert.throws(() => pathJoin('a', object), /^Error: path\.join: a path must be a string, got an object$/);
      assert.throws(() => pathDirname(['a'] as unknown as string), /path\.dirname: .* got an array/);
      assert.throws(() => pathBasename(object), /path\.basename: /);
      assert.throws(() => pathStem((() => 'x') as unknown as string), /path\.stem: .* got a function/);
      assert.throws(() => pathClean(object), /pathClean: /);
      assert.throws(() => pathToSlash(Symbol('x') as unknown as string), /pathToSlash: .* got a symbol/);
    });
  });
});
