import assert from 'node:assert/strict';

import { isMassDeletable, massDeletionCutoff } from '../../src/domain/job-deletion.ts';

describe('job deletion', () => {
  it('rounds the mass-deletion cutoff up to the whole second', () => {
    assert.equal(massDeletionCutoff(new Date('2024-05-01T10:00:00.001Z')).toISOString(), '2024-05-01T10:00:01.000Z');
    assert.equal(massDeletionCutoff(new Date('2024-05-01T10:00:00.999Z')).toISOString(), '2024-05-01T10:00:01.000Z');
  });

  it('keeps a cutoff that is already a whole second', () => {
    assert.equal(massDeletionCutoff(new Date('2024-05-01T10:00:00.000Z')).toISOString(), '2024-05-01T10:00:00.000Z');
  });

  it('refuses an invalid date', () => {
    assert.throws(() => massDeletionCutoff(new Date('nonsense')), RangeError);
  });

  it('takes jobs updated at or before the cutoff', () => {
    const cutoff = new Date('2024-05-01T10:00:01Z');
    assert.equal(isMassDeletable({ status: 'completed', updatedAt: new Date('2024-05-01T10:00:01Z') }, cutoff), true);
    assert.equal(isMassDeletable({ status: 'completed', updatedAt: new Date('2024-05-01T10:00:01.001Z') }, cutoff), false);
  });

  it('leaves jobs alone that people could not delete one by one', () => {
    const cutoff = new Date('2024-05-01T10:00:00Z');
    const old = new Date('2024-01-01T00:00:00Z');
    assert.equal(isMassDeletable({ status: 'active', updatedAt: old }, cutoff), false);
    assert.equal(isMassDeletable({ status: 'pause-requested', updatedAt: old }, cutoff), false);
    assert.equal(isMassDeletable({ status: 'failed', updatedAt: old }, cutoff), true);
  });
});
