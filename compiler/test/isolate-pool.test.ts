import assert from 'node:assert/strict';
import { IsolatePool } from '../src/sandbox/isolate-pool.ts';

describe('the isolate pool', () => {
  it('keeps reusing an isolate whose heap stayed small', async () => {
    const pool = new IsolatePool(64, 1);
    try {
      const first = await pool.with(async (slot) => slot.isolate);
      const second = await pool.with(async (slot) => slot.isolate);
      assert.equal(second, first);
      assert.equal(first.isDisposed, false);
    } finally {
      pool.dispose();
    }
  });

  it('retires an isolate whose heap grew big (a job of thousands of tasks), and gives out a fresh one', async () => {
    const pool = new IsolatePool(128, 1);
    try {
      const grown = await pool.with(async (slot) => {
        const context = await slot.isolate.createContext();
        // Kept reachable from the context's global until the context is released, as a big compile's output is.
        await context.eval('globalThis.kept = Array.from({ length: 400 }, (_, i) => new Array(20000).fill(i))');
        context.release();
        return slot.isolate;
      });
      assert.equal(grown.isDisposed, true);
      const next = await pool.with(async (slot) => slot.isolate);
      assert.notEqual(next, grown);
      assert.equal(next.isDisposed, false);
    } finally {
      pool.dispose();
    }
  });
});
