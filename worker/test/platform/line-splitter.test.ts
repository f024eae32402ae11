import assert from 'node:assert/strict';

import { lineSplitter } from '../../src/platform/line-splitter.ts';

function split(chunks: readonly (string | Buffer)[], maxLineLength?: number): string[] {
  const lines: string[] = [];
  const splitter = lineSplitter((line) => lines.push(line), maxLineLength);
  for (const chunk of chunks) splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  splitter.end();
  return lines;
}

describe('line splitter', () => {
  it('ends lines at \\n, \\r\\n and a lone \\r, and keeps empty lines', () => {
    assert.deepEqual(split(['one\ntwo\r\nthree\rfour\n\nfive']), ['one', 'two', 'three', 'four', '', 'five']);
  });

  it('joins lines cut across chunks', () => {
    assert.deepEqual(split(['Fra:1 Mem', ':9.04M\nSav', "ed: 'a.png'\n"]), ['Fra:1 Mem:9.04M', "Saved: 'a.png'"]);
  });

  it('treats \\r\\n cut between two chunks as one line end', () => {
    assert.deepEqual(split(['one\r', '\ntwo\r', 'three\n']), ['one', 'two', 'three']);
  });

  it('keeps a UTF-8 character whole when a chunk cuts it', () => {
    const bytes = Buffer.from('Saved: \'/render/ünï.png\'\n');
    const cut = bytes.indexOf(0xc3) + 1;
    assert.deepEqual(split([bytes.subarray(0, cut), bytes.subarray(cut)]), ["Saved: '/render/ünï.png'"]);
  });

  it('emits the last line even without a line end, and nothing for no output', () => {
    assert.deepEqual(split(['no newline']), ['no newline']);
    assert.deepEqual(split([]), []);
  });

  it('cuts an endless line into pieces of the maximum length', () => {
    assert.deepEqual(split(['abcdefghij', 'kl\nm'], 4), ['abcd', 'efgh', 'ijkl', 'm']);
  });
});
