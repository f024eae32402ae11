import assert from 'node:assert/strict';
import { countChanges, diffHunks, diffLines, stableJson } from '../src/logic/line-diff.ts';

function render(before: string, after: string): string[] {
  return diffLines(before, after).map((l) => `${l.kind === 'same' ? ' ' : l.kind === 'added' ? '+' : '-'}${l.text}`);
}

describe('studio: line diff', () => {
  it('finds nothing between equal texts', () => {
    assert.deepEqual(render('a\nb\n', 'a\nb\n'), [' a', ' b']);
  });

  it('marks added, removed and changed lines in order', () => {
    assert.deepEqual(render('a\nb\nc\nd', 'a\nc\nx\nd\ne'), [' a', '-b', ' c', '+x', ' d', '+e']);
    assert.deepEqual(render('', 'one\ntwo'), ['+one', '+two']);
    assert.deepEqual(render('one\ntwo', ''), ['-one', '-two']);
  });

  it('numbers lines on both sides', () => {
    const lines = diffLines('a\nb\nc', 'a\nc');
    assert.deepEqual(lines.map((l) => [l.oldLine, l.newLine]), [[1, 1], [2, undefined], [3, 2]]);
  });

  it('always rebuilds both texts (randomised)', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 200; round++) {
      const make = () => Array.from({ length: Math.floor(random() * 12) }, () => 'abcd'[Math.floor(random() * 4)]!);
      const a = make();
      const b = make();
      const lines = diffLines(a.join('\n'), b.join('\n'));
      assert.deepEqual(lines.filter((l) => l.kind !== 'added').map((l) => l.text), a);
      assert.deepEqual(lines.filter((l) => l.kind !== 'removed').map((l) => l.text), b);
    }
  });

  it('groups changes into hunks with context and counts them', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n');
    const after = before.replace('line 2\n', 'line two\n').replace('line 17\n', '');
    const lines = diffLines(before, after);
    const hunks = diffHunks(lines, 2);
    assert.equal(hunks.length, 2);
    assert.equal(hunks[0]!.skippedBefore, 0);
    assert.ok(hunks[1]!.skippedBefore > 0);
    assert.deepEqual(countChanges(lines), { added: 1, removed: 2 });
  });

  it('writes JSON with sorted keys so that key order is no change', () => {
    assert.equal(stableJson({ b: 1, a: { d: 2, c: [3] } }), stableJson({ a: { c: [3], d: 2 }, b: 1 }));
  });
});
