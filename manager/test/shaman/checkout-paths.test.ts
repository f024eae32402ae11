import assert from 'node:assert/strict';
import {
  checkoutFilePathProblem,
  checkoutPathProblem,
  normaliseCheckoutPath,
  planCheckout,
  summariseProblems,
  withUniqueSuffix,
} from '../../src/shaman/checkout-paths.ts';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

describe('Shaman checkout paths', () => {
  it('accepts relative checkout paths, backslashes as separators', () => {
    for (const path of ['sierra', 'sierra/sc010/abc123', 'sierra\\sc010', 'with space/and-dash_1', './sierra', 'a/./b']) {
      assert.equal(checkoutPathProblem(path), null, path);
    }
    assert.equal(normaliseCheckoutPath('sierra\\sc010//abc/./'), 'sierra/sc010/abc');
  });

  it('refuses checkout paths that are absolute, climb out or use reserved characters', () => {
    const cases: [string, RegExp][] = [
      ['/etc', /must be relative/],
      ['\\\\server\\share', /must be relative/],
      ['C:/farm', /may not contain any of/],
      ['..', /may not contain "\.\."/],
      ['sierra/../../etc', /may not contain "\.\."/],
      ['sierra\\..\\..', /may not contain "\.\."/],
      ['a/..', /may not contain "\.\."/],
      ['shot*', /may not contain any of/],
      ['{x}', /may not contain any of/],
      ['.', /names no folder/],
      ['./', /names no folder/],
      [`shots/${'x'.repeat(256)}`, /longer than 255 bytes/],
    ];
    for (const [path, message] of cases) {
      const problem = checkoutPathProblem(path);
      assert.ok(problem !== null, `${path} must be refused`);
      assert.match(problem, message, path);
    }
    // Dots inside names are fine.
    assert.equal(checkoutPathProblem('v1..2/shot..final'), null);
  });

  it('refuses file paths that could leave the checkout folder', () => {
    const cases: [string, RegExp][] = [
      ['/etc/passwd', /absolute/],
      ['\\Windows\\system.ini', /absolute/],
      ['C:\\x.blend', /absolute/],
      ['c:x.blend', /absolute/],
      ['../x.blend', /contains "\.\."/],
      ['textures/../../x.png', /contains "\.\."/],
      ['textures\\..\\..\\x.png', /contains "\.\."/],
      ['a\0b', /NUL/],
      ['', /names no file/],
      ['./', /names no file/],
      [`textures/${'é'.repeat(128)}.png`, /longer than 255 bytes/],
    ];
    for (const [path, message] of cases) {
      const problem = checkoutFilePathProblem(path);
      assert.ok(problem !== null, `${JSON.stringify(path)} must be refused`);
      assert.match(problem, message, path);
    }
    for (const path of ['shot.blend', 'textures/wood.png', 'textures\\wood.png', './a/b/c.exr', 'x..y.blend']) assert.equal(checkoutFilePathProblem(path), null, path);
  });

  it('plans one link per path, and each stored file once', () => {
    const result = planCheckout([
      { sha: A, size: 10, path: 'shot.blend' },
      { sha: B, size: 20, path: 'textures\\wood.png' },
      { sha: B, size: 20, path: './textures/wood.png' },
      { sha: A, size: 10, path: 'copy/of/shot.blend' },
    ]);
    assert.ok('plan' in result);
    assert.deepEqual(
      result.plan.links.map((l) => l.path),
      ['shot.blend', 'textures/wood.png', 'copy/of/shot.blend'],
    );
    assert.deepEqual(result.plan.blobs, [
      { sha: A, size: 10 },
      { sha: B, size: 20 },
    ]);
  });

  it('refuses a path listed with two contents, a file that is also a folder, and bad paths — all at once', () => {
    const result = planCheckout([
      { sha: A, size: 10, path: 'shot.blend' },
      { sha: B, size: 10, path: 'shot.blend' },
      { sha: A, size: 10, path: 'textures' },
      { sha: B, size: 20, path: 'textures/wood.png' },
      { sha: A, size: 10, path: '../escape' },
    ]);
    assert.ok('problems' in result);
    assert.equal(result.problems.length, 3);
    assert.match(result.problems.join('\n'), /"shot\.blend" is listed twice with different contents/);
    assert.match(result.problems.join('\n'), /"textures" is listed as a file and as the folder of "textures\/wood\.png"/);
    assert.match(result.problems.join('\n'), /"\.\.\/escape" contains "\.\."/);
  });

  it('summarises many problems', () => {
    const problems = Array.from({ length: 8 }, (_, i) => `problem ${i}`);
    assert.equal(summariseProblems(problems, 2), 'problem 0; problem 1; and 6 more problems');
    assert.equal(summariseProblems(['only']), 'only');
  });

  it('adds Flamenco\'s suffix of four random characters', () => {
    let i = 0;
    const steps = [0, 0.5, 0.99, 0.3];
    assert.equal(withUniqueSuffix('sierra/sc010', () => steps[i++] as number), 'sierra/sc010-as9k');
    assert.match(withUniqueSuffix('x'), /^x-[a-z0-9]{4}$/);
  });
});
