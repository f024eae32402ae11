import assert from 'node:assert/strict';
import {
  compactFrames,
  explodeFrameRange,
  frameChunker,
  frameCount,
  frameRangeIntervals,
} from '../../src/runtime/frames.ts';

/** Asserts that `fn` throws an Error whose message contains every one of `parts`. */
function assertThrowsWith(fn: () => unknown, ...parts: string[]): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof Error, `expected an Error, got ${String(error)}`);
    for (const part of parts) {
      assert.ok(error.message.includes(part), `message ${JSON.stringify(error.message)} lacks ${JSON.stringify(part)}`);
    }
    return true;
  });
}

// A deliberately naive reference: every frame into a Set, sort, slice, compact frame by frame.
function referenceChunks(parts: Array<[number, number]>, chunkSize: number): string[] {
  const unique = new Set<number>();
  for (const [start, end] of parts) for (let f = start; f <= end; f++) unique.add(f);
  const frames = [...unique].sort((a, b) => a - b);
  const chunks: string[] = [];
  for (let i = 0; i < frames.length; i += chunkSize) {
    const chunk = frames.slice(i, i + chunkSize);
    const out: string[] = [];
    let j = 0;
    while (j < chunk.length) {
      let k = j;
      while (k + 1 < chunk.length && chunk[k + 1] === chunk[k] + 1) k++;
      const length = k - j + 1;
      if (length === 1) out.push(`${chunk[j]}`);
      else if (length === 2) out.push(`${chunk[j]}`, `${chunk[k]}`);
      else out.push(`${chunk[j]}-${chunk[k]}`);
      j = k + 1;
    }
    chunks.push(out.join(','));
  }
  return chunks;
}

// Deterministic pseudo-random numbers (mulberry32), so a failure can be reproduced.
function randomSource(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('runtime/frames', () => {
  describe('frameChunker: Flamenco test vectors', () => {
    const vectors: Array<{ range: string; size: number; chunks: string[] }> = [
      // Blender notation, with an overlapping part at the end.
      { range: '1..10,20..25,40,3..8', size: 4, chunks: ['1-4', '5-8', '9,10,20,21', '22-25', '40'] },
      // The same in regular notation.
      { range: '1-10,20-25,40', size: 4, chunks: ['1-4', '5-8', '9,10,20,21', '22-25', '40'] },
      // Whitespace (spaces, tab, newline) around the numbers.
      { range: ' 1  .. 10,\t20..25\n,40   ', size: 4, chunks: ['1-4', '5-8', '9,10,20,21', '22-25', '40'] },
      // A single frame; one range of exactly one chunk.
      { range: '47', size: 4, chunks: ['47'] },
      { range: '1-3', size: 3, chunks: ['1-3'] },
    ];
    for (const { range, size, chunks } of vectors) {
      it(`${JSON.stringify(range)} in chunks of ${size}`, () => {
        assert.deepEqual(frameChunker(range, size), chunks);
      });
    }

    it('refuses a whitespace-only range as empty', () => {
      assertThrowsWith(() => frameChunker('   ', 4), '"   "', 'empty');
    });

    it('refuses "1 10" and quotes it', () => {
      assertThrowsWith(() => frameChunker(' 1 10', 4), '1 10', 'not a frame number');
    });
  });

  describe('frameChunker: the contract\'s examples', () => {
    const vectors: Array<{ range: string; size: number; chunks: string[] }> = [
      { range: '1-10', size: 3, chunks: ['1-3', '4-6', '7-9', '10'] },
      { range: '1-5,8,10-11', size: 3, chunks: ['1-3', '4,5,8', '10,11'] },
      { range: '0-12,34-56,78-90', size: 20, chunks: ['0-12,34-40', '41-56,78-81', '82-90'] },
      { range: '1-10', size: 1, chunks: ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'] },
      { range: '1-10', size: 100, chunks: ['1-10'] },
      { range: '1,3,5', size: 2, chunks: ['1,3', '5'] },
      { range: '5,4,3,2,1', size: 10, chunks: ['1-5'] },
      { range: '1-2', size: 5, chunks: ['1,2'] },
      { range: '1,2,4,5,7,8,9', size: 7, chunks: ['1,2,4,5,7-9'] },
      { range: '3,3,3', size: 2, chunks: ['3'] },
      { range: '1-5,3-8,2', size: 4, chunks: ['1-4', '5-8'] },
      { range: '1-5,6-10', size: 10, chunks: ['1-10'] },
      { range: '0', size: 1, chunks: ['0'] },
      { range: '007,+8', size: 5, chunks: ['7,8'] },
      { range: '100..102, 7', size: 2, chunks: ['7,100', '101,102'] },
    ];
    for (const { range, size, chunks } of vectors) {
      it(`${JSON.stringify(range)} in chunks of ${size}`, () => {
        assert.deepEqual(frameChunker(range, size), chunks);
      });
    }

    it('truncates a fractional chunk size like Go\'s int conversion', () => {
      assert.deepEqual(frameChunker('1-5', 2.9), ['1,2', '3,4', '5']);
      assert.deepEqual(frameChunker('1-5', 1.0001), ['1', '2', '3', '4', '5']);
    });

    it('takes a huge chunk size as "everything in one chunk"', () => {
      assert.deepEqual(frameChunker('1-5,9', Number.MAX_VALUE), ['1-5,9']);
      assert.deepEqual(frameChunker('1-5,9', 2 ** 60), ['1-5,9']);
    });

    it('reads a number as its decimal text', () => {
      assert.deepEqual(frameChunker(12 as unknown as string, 3), ['12']);
    });
  });

  describe('frameChunker: bad chunk sizes', () => {
    const bad: Array<[unknown, string]> = [
      [0, 'got 0'],
      [-1, 'got -1'],
      [0.5, 'got 0.5'],
      [-0.5, 'got -0.5'],
      [NaN, 'got NaN'],
      [Infinity, 'got Infinity'],
      [-Infinity, 'got -Infinity'],
      ['3', 'got "3"'],
      [undefined, 'got undefined'],
      [null, 'got null'],
      [{}, 'got object'],
    ];
    for (const [size, shown] of bad) {
      it(`refuses ${String(size)}`, () => {
        assertThrowsWith(() => frameChunker('1-10', size as number), 'chunk size', shown);
      });
    }
  });

  describe('frame range errors', () => {
    const bad: Array<{ range: unknown; parts: string[] }> = [
      { range: '', parts: ['""', 'empty'] },
      { range: ' \t\n', parts: ['empty'] },
      { range: 'a', parts: ['"a"', 'not a frame number'] },
      { range: '1-x', parts: ['frame range "1-x"', '"x" is not a frame number'] },
      { range: '1 10', parts: ['"1 10"', 'not a frame number'] },
      { range: '1-2-3', parts: ['"1-2-3"', 'not a frame or a range'] },
      { range: '1..5-7', parts: ['"1..5-7"', 'not a frame or a range'] },
      { range: '1...3', parts: ['"1...3"', '".3" is not a frame number'] },
      { range: '1,,3', parts: ['"1,,3"', 'missing a frame number'] },
      { range: '1,', parts: ['"1,"', 'missing a frame number'] },
      { range: '1-', parts: ['"1-"', 'missing a frame number'] },
      { range: '-5', parts: ['"-5"', 'missing a frame number'] },
      { range: '1.5', parts: ['"1.5"', 'not a frame number'] },
      { range: '1e3', parts: ['"1e3"', 'not a frame number'] },
      { range: '0x10', parts: ['"0x10"', 'not a frame number'] },
      { range: '1_000', parts: ['"1_000"', 'not a frame number'] },
      { range: '++1', parts: ['"++1"', 'not a frame number'] },
      { range: '10-1', parts: ['"10-1"', 'ends before it starts'] },
      { range: '1-5,10..1', parts: ['"1-5,10..1"', '"10..1" ends before it starts'] },
      { range: '99999999999999999999', parts: ['too large'] },
      { range: '1-10000001', parts: ['"1-10000001"', 'more than 10,000,000 frames'] },
      { range: '1-6000000,6000001-10000001', parts: ['more than 10,000,000 frames'] },
      { range: '0-9007199254740991', parts: ['more than 10,000,000 frames'] },
      { range: undefined, parts: ['empty', 'undefined'] },
      { range: null, parts: ['empty', 'null'] },
      { range: ['1-3'], parts: ['must be a string', 'object'] },
    ];
    for (const { range, parts } of bad) {
      it(`refuses ${JSON.stringify(range) ?? String(range)} in every function`, () => {
        assertThrowsWith(() => frameChunker(range as string, 2), ...parts);
        assertThrowsWith(() => frameCount(range as string), ...parts);
        assertThrowsWith(() => explodeFrameRange(range as string), ...parts);
      });
    }
  });

  describe('explodeFrameRange', () => {
    it('explodes Flamenco\'s example', () => {
      assert.deepEqual(
        explodeFrameRange('1..10,20..25,40'),
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 21, 22, 23, 24, 25, 40],
      );
    });

    it('sorts numerically and drops duplicates', () => {
      assert.deepEqual(explodeFrameRange('100,9,10,9-11,2'), [2, 9, 10, 11, 100]);
    });

    it('keeps frame 0', () => {
      assert.deepEqual(explodeFrameRange('0..2'), [0, 1, 2]);
    });
  });

  describe('frameRangeIntervals', () => {
    it('merges overlapping and adjacent parts, keeps gaps', () => {
      assert.deepEqual(frameRangeIntervals('20-25,1-3,4,7-9,8-12,14'), [[1, 4], [7, 12], [14, 14], [20, 25]]);
    });

    it('counts a union, not a sum, against the frame limit', () => {
      assert.deepEqual(frameRangeIntervals('1-6000000,1-6000000'), [[1, 6000000]]);
      assert.deepEqual(frameRangeIntervals('1-10000000'), [[1, 10000000]]);
    });
  });

  describe('frameCount', () => {
    const vectors: Array<[string, number]> = [
      ['1-10', 10],
      ['1..10,20..25,40,3..8', 17],
      ['47', 1],
      ['5,5,5', 1],
      ['0-0', 1],
      ['1-3', 3],
      ['4,5,8', 3],
      ['1-10000000', 10000000],
    ];
    for (const [range, count] of vectors) {
      it(`${JSON.stringify(range)} has ${count} frames`, () => {
        assert.equal(frameCount(range), count);
      });
    }
  });

  describe('compactFrames', () => {
    const vectors: Array<[number[], string]> = [
      [[7], '7'],
      [[1, 2], '1,2'],
      [[1, 2, 3], '1-3'],
      [[1, 3], '1,3'],
      [[1, 2, 3, 5, 6, 8, 10, 11, 12, 13], '1-3,5,6,8,10-13'],
      [[9, 10, 20, 21], '9,10,20,21'],
      [[0, 1, 2, 4], '0-2,4'],
    ];
    for (const [frames, text] of vectors) {
      it(`${JSON.stringify(frames)} → ${text}`, () => {
        assert.equal(compactFrames(frames), text);
      });
    }

    it('refuses unsorted, repeated, non-integer frames and empty input', () => {
      assertThrowsWith(() => compactFrames([3, 2]), 'sorted', '2 follows 3');
      assertThrowsWith(() => compactFrames([3, 3]), 'distinct', '3 follows 3');
      assertThrowsWith(() => compactFrames([1, 1.5]), '1.5', 'index 1');
      assertThrowsWith(() => compactFrames([1, '2' as unknown as number]), '"2"', 'index 1');
      assertThrowsWith(() => compactFrames([NaN]), 'NaN');
      assertThrowsWith(() => compactFrames([]), 'empty array');
      assertThrowsWith(() => compactFrames('1-3' as unknown as number[]), 'got string');
    });
  });

  describe('agreement with a naive reference', () => {
    it('frameChunker, frameCount and explodeFrameRange agree on 500 random ranges', () => {
      const random = randomSource(20240601);
      const int = (n: number) => Math.floor(random() * n);
      for (let round = 0; round < 500; round++) {
        const parts: Array<[number, number]> = [];
        const texts: string[] = [];
        const partCount = 1 + int(6);
        for (let p = 0; p < partCount; p++) {
          const start = int(60);
          if (random() < 0.4) {
            parts.push([start, start]);
            texts.push(random() < 0.5 ? `${start}` : ` ${start} `);
          } else {
            const end = start + int(15);
            parts.push([start, end]);
            texts.push(`${start}${random() < 0.5 ? '-' : '..'}${end}`);
          }
        }
        const range = texts.join(',');
        const size = 1 + int(12);
        const expected = referenceChunks(parts, size);
        assert.deepEqual(frameChunker(range, size), expected, `frameChunker(${JSON.stringify(range)}, ${size})`);
        const frames = referenceChunks(parts, 1).map(Number);
        assert.deepEqual(explodeFrameRange(range), frames, `explodeFrameRange(${JSON.stringify(range)})`);
        assert.equal(frameCount(range), frames.length, `frameCount(${JSON.stringify(range)})`);
        // Chunking the exploded frames with compactFrames gives the same chunks.
        const viaCompact: string[] = [];
        for (let i = 0; i < frames.length; i += size) viaCompact.push(compactFrames(frames.slice(i, i + size)));
        assert.deepEqual(viaCompact, expected);
      }
    });
  });

  describe('large inputs (behaviour only; speed is measured by npm run bench)', () => {
    it('chunks 1-10000 by 1 quickly', () => {
      const value = frameChunker('1-10000', 1);
      assert.equal(value.length, 10000);
      assert.equal(value[9999], '10000');
    });

    it('chunks 1-1000000 by 10 quickly', () => {
      const value = frameChunker('1-1000000', 10);
      assert.equal(value.length, 100000);
      assert.equal(value[0], '1-10');
      assert.equal(value[99999], '999991-1000000');
    });

    it('counts and chunks 10,000,000 frames without going through every frame', () => {
      const count = frameCount('1-10000000');
      assert.equal(count, 10000000);
      const chunks = frameChunker('1..10000000', 1000000);
      assert.equal(chunks.length, 10);
      assert.equal(chunks[9], '9000001-10000000');
    });

    it('refuses a gigantic range before allocating it', () => {
      assert.throws(() => explodeFrameRange('1-999999999999'), /more than 10,000,000/);
    });

    it('handles many small parts in near-linear time', () => {
      const range = Array.from({ length: 50000 }, (_, i) => `${(49999 - i) * 3}`).join(',');
      const value = frameChunker(range, 7);
      assert.equal(value.length, Math.ceil(50000 / 7));
      assert.equal(value[0], '0,3,6,9,12,15,18');
    });
  });
});
