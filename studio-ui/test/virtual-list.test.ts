import assert from 'node:assert/strict';
import { pagesCovering, visibleRange } from '../src/logic/virtual-list.ts';

describe('studio: virtual list maths', () => {
  it('renders only the rows in view plus the overscan', () => {
    const range = visibleRange({ scrollTop: 3200, viewportHeight: 640, rowHeight: 32, count: 10_000, overscan: 5 });
    assert.deepEqual(range, { start: 95, end: 125, offsetTop: 95 * 32, totalHeight: 320_000 });
  });

  it('stays inside the list at both ends', () => {
    assert.deepEqual(visibleRange({ scrollTop: -50, viewportHeight: 100, rowHeight: 10, count: 1000, overscan: 2 }).start, 0);
    const bottom = visibleRange({ scrollTop: 1e9, viewportHeight: 100, rowHeight: 10, count: 1000, overscan: 2 });
    assert.equal(bottom.end, 1000);
    assert.equal(bottom.start, 988);
    assert.deepEqual(visibleRange({ scrollTop: 0, viewportHeight: 100, rowHeight: 10, count: 0 }), { start: 0, end: 0, offsetTop: 0, totalHeight: 0 });
  });

  it('names the pages a range of rows needs', () => {
    assert.deepEqual(pagesCovering(95, 125, 500), [0]);
    assert.deepEqual(pagesCovering(480, 530, 500), [0, 1]);
    assert.deepEqual(pagesCovering(1000, 1000, 500), []);
    assert.deepEqual(pagesCovering(9990, 10_000, 500), [19]);
  });
});
