import assert from 'node:assert/strict';
import { Backoff, backoffDelay, NO_TASK_BACKOFF, UNREACHABLE_BACKOFF, type BackoffPolicy } from '../../src/loop/backoff.ts';

const policy: BackoffPolicy = { initialMs: 1_000, maximumMs: 10_000, factor: 2, jitter: 0.1 };
const middle = () => 0.5;

describe('backoff', () => {
  it('grows by its factor from the first wait up to the maximum', () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5].map((attempt) => backoffDelay(policy, attempt, middle)), [1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
  });

  it('spreads each wait by the jitter share either way', () => {
    assert.equal(backoffDelay(policy, 0, () => 0), 900);
    assert.equal(backoffDelay(policy, 0, () => 0.999999), 1_100);
    assert.equal(backoffDelay(policy, 10, () => 0), 9_000);
  });

  it('stays finite and within bounds for very many attempts', () => {
    const delay = backoffDelay(policy, 100_000, Math.random);
    assert.ok(delay >= 9_000 && delay <= 11_000, `${delay}`);
  });

  it('starts over after a reset', () => {
    const backoff = new Backoff(policy, middle);
    assert.deepEqual([backoff.next(), backoff.next(), backoff.next()], [1_000, 2_000, 4_000]);
    backoff.reset();
    assert.equal(backoff.next(), 1_000);
  });

  it('is polite by default: no-work waits reach 15 s, waits for an absent manager reach a minute', () => {
    assert.equal(backoffDelay(NO_TASK_BACKOFF, 50, middle), 15_000);
    assert.equal(backoffDelay(UNREACHABLE_BACKOFF, 50, middle), 60_000);
    assert.ok(backoffDelay(NO_TASK_BACKOFF, 0, middle) <= 1_000);
  });
});
